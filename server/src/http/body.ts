import { bodyLimit } from 'hono/body-limit';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * `bodyLimit` with the same verdicts, minus its cost where there can be no body: a GET or HEAD
 * `Request` never has one, yet asking (`c.req.raw.body`) makes @hono/node-server build a full
 * `Request` per request. A Content-Length without Transfer-Encoding is judged by its value, as
 * `bodyLimit` does; anything else (chunked, or a `Request` made in-process) is counted as read.
 */
export function limitDeclaredBody(maxSize: number, onError: (c: Context) => never) {
  const counted = bodyLimit({ maxSize, onError });
  const limit: MiddlewareHandler = async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length === null || headers.has('transfer-encoding')) return counted(c, next);
    if (parseInt(length || '0', 10) > maxSize) onError(c);
    return next();
  };
  return limit;
}

/**
 * True when the request carries a body (or names its type) that is not `application/json`:
 * both APIs refuse it with 415, so an HTML form on another site cannot forge a request.
 */
export function sendsNonJson(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  const length = c.req.header('content-length');
  const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding');
  return Boolean(hasBody || type) && !/^application\/json\s*(;|$)/i.test(type);
}
