import { createMiddleware } from 'hono/factory';
import type { V1Env } from './env';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * KS Pay's reference sends `Content-Type: application/json` with no body at all (e.g.
 * `POST /transaction/process` with only `x-signature`). For a route whose body is optional,
 * such a request is treated as one without a body: it reaches the handler with no body fields
 * instead of failing as malformed JSON. A body of any other length is validated as usual.
 */
export const emptyBodyIsNone = createMiddleware<V1Env>(async (c, next) => {
  const type = c.req.header('content-type');
  if (type !== undefined && JSON_TYPE.test(type) && (await c.req.text()).trim() === '') {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-type');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers });
  }
  await next();
});
