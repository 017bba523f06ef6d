import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Services } from '../env';
import { hstsPolicy } from '../http/hsts';
import { logRequest } from '../http/request-log';
import { clientIp } from '../lib/client-ip';
import type { V1Env } from './env';

/**
 * What every `/v1` answer carries, success or error: the security headers a JSON API needs
 * (OWASP REST Security cheat sheet) and `no-store` — answers hold tokens and transactions.
 * The console's document headers (CSP for scripts and styles, COOP, …) are the web app's;
 * a JSON body needs `default-src 'none'`.
 *
 * Built as ONE plain object per answer and handed to `new Response`: @hono/node-server then
 * writes status, headers and body in one go. Adding headers to `c.res` after `next()` (as
 * `secureHeaders` does) turns them into a WHATWG `Headers` that is copied back out on every
 * request, on the payments API's hot path (benchmark 1 guards it).
 */
export function v1BaseHeaders(publicOrigin: string): Readonly<Record<string, string>> {
  const hsts = hstsPolicy(publicOrigin);
  return Object.freeze({
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(hsts ? { 'strict-transport-security': hsts } : {})
  });
}

/** An incoming `X-Request-Id` is kept when it is short and plain (as hono/request-id does). */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * First under `/v1`: the request id (the merchant's own, or a new UUID) for the log line and
 * the `X-Request-Id` answer header, the answer's extra headers (CORS, Retry-After…) collected
 * in a plain object until `v1Json` builds the answer, and the request's log line
 * (`logRequest`, as the console's `requestLog` writes it). A call that named an app (`keyUse`)
 * is handed to the request log: one append to an in-process buffer, written later in batches
 * (usage/recorder.ts); the bodies are redacted there, off the request's path.
 */
export const v1Frame = (base: Readonly<Record<string, string>>, s: Services) => {
  const { log, usage, clock } = s;
  const { trustProxy } = s.config;
  return createMiddleware<V1Env>(async (c, next) => {
    const start = performance.now();
    const given = c.req.header('x-request-id');
    c.set('requestId', given && REQUEST_ID.test(given) ? given : randomUUID());
    c.set('v1Headers', base);
    await next();
    const requestId = c.get('requestId');
    logRequest(log, c, requestId, start);
    const use = c.get('keyUse');
    if (!use) return;
    const { method } = c.req;
    // The body as the route read it (parsed JSON or text); a body never read is not logged.
    const cache = c.req.bodyCache as { json?: Promise<unknown>; text?: Promise<string> };
    const cached = method === 'GET' ? undefined : (cache.json ?? cache.text);
    usage.record({
      appId: use.appId,
      keyId: use.keyId,
      at: clock.now().getTime(),
      method,
      path: c.req.path,
      status: c.res.status,
      latencyUs: Math.round((performance.now() - start) * 1000),
      ip: clientIp(c, trustProxy),
      origin: c.req.header('origin') ?? null,
      requestId,
      idempotentReplay: c.get('idempotentReplay') === true,
      requestBody: cached ? await cached.catch(() => undefined) : undefined,
      responseJson: c.get('answerJson') ?? null
    });
  });
};

/** Adds a header to the answer this request will get, success or error. */
export function setV1Header(c: Context<V1Env>, name: string, value: string): void {
  c.set('v1Headers', { ...c.get('v1Headers'), [name.toLowerCase()]: value });
}

/** The one way a `/v1` answer is made. */
export function v1Json(
  c: Context<V1Env>,
  status: ContentfulStatusCode | 204,
  body: unknown
): Response {
  return v1Answer(c, status, status === 204 ? null : JSON.stringify(body));
}

/** `v1Json` of a body already serialised. */
export function v1Answer(
  c: Context<V1Env>,
  status: ContentfulStatusCode | 204,
  json: string | null
): Response {
  const headers: Record<string, string> = {
    ...c.get('v1Headers'),
    'x-request-id': c.get('requestId')
  };
  c.set('answerJson', json);
  if (json === null) {
    delete headers['content-type'];
    return new Response(null, { status, headers });
  }
  return new Response(json, { status, headers });
}
