import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import type { Logger } from '../lib/log';

/**
 * One line per request: method, path (never the query string, which could carry a token),
 * status and duration. Headers and bodies are not logged.
 */
export const requestLog = (log: Logger) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - start) * 10) / 10
      },
      'request'
    );
  });
