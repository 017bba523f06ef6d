import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../lib/log';

/**
 * Successful payments-API reads are the hot path and the bulk of the traffic: their line is
 * `debug`, so production (`info`) spends neither the JSON nor the write on them. Every other
 * request, and any `/v1` read that fails (4xx/5xx), still logs at `info`.
 */
function quiet(method: string, path: string, status: number): boolean {
  return status < 400 && (method === 'GET' || method === 'HEAD') && path.startsWith('/v1/');
}

/**
 * One line per request: method, path (never the query string, which could carry a token),
 * status and duration. Headers and bodies are not logged.
 */
export const requestLog = (log: Logger) =>
  createMiddleware<RequestIdEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    logRequest(log, c, c.get('requestId'), start);
  });

type RequestIdEnv = { Variables: { requestId: string } };

/** The line `requestLog` writes, for a request that began at `start` (performance.now()). */
export function logRequest(
  log: Logger,
  c: Pick<Context, 'req' | 'res'>,
  requestId: string,
  start: number
): void {
  const { method, path } = c.req;
  const status = c.res.status;
  const level = quiet(method, path, status) ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level](
    {
      requestId,
      method,
      path,
      status,
      ms: Math.round((performance.now() - start) * 10) / 10
    },
    'request'
  );
}
