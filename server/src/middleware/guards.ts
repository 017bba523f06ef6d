import { bodyLimit } from 'hono/body-limit';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';

export const MAX_BODY_BYTES = 64 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** Bodies over the limit are refused before they are read whole. */
export const limitBody = (maxSize = MAX_BODY_BYTES) =>
  limitDeclaredBody(maxSize, () => {
    throw new ApiError('payload_too_large', `The request body is larger than ${maxSize} bytes`);
  });

/**
 * CSRF defence for cookie-authenticated requests: a state-changing request must come from an
 * allowed Origin, or (when a browser sends no Origin) say `Sec-Fetch-Site: same-origin`.
 * SameSite=Lax cookies are the first line; this is the second, and it also covers old browsers.
 */
export const requireAllowedOrigin = (allowed: readonly string[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const ok = origin ? allowed.includes(origin) : site === 'same-origin';
      if (!ok)
        throw new ApiError('forbidden_origin', 'This request came from a site that is not allowed');
    }
    await next();
  });

/** State-changing requests carry JSON, so an HTML form on another site cannot forge one. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const type = c.req.header('content-type') ?? '';
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding');
    if ((hasBody || type) && !/^application\/json\s*(;|$)/i.test(type)) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json');
    }
  }
  await next();
});

/**
 * Sets a header on the finished response in place, as `secureHeaders` does on every answer.
 * `c.header()` after `next()` would instead rebuild the response around its body as a stream,
 * turning @hono/node-server's direct write of a string body into a streamed copy.
 */
export function setResponseHeader(c: Context, name: string, value: string) {
  c.res.headers.set(name, value);
}

/** API answers are private and never cached by a browser, proxy or service worker. */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  setResponseHeader(c, 'Cache-Control', 'no-store');
});
