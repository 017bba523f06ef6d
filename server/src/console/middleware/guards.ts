import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../env';
import { limitDeclaredBody, sendsNonJson } from '../../http/body';
import { ApiError } from '../../lib/errors';

export const MAX_BODY_BYTES = 64 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
      if (!ok) throw new ApiError('forbidden_origin', refusal(origin, allowed));
    }
    await next();
  });

/** Says what the operator can change: the console's expected origin and the settings that set it. */
function refusal(origin: string | undefined, allowed: readonly string[]): string {
  // Bounded so a hostile header cannot make the answer large; only printable ASCII is echoed.
  const from = origin ? origin.slice(0, 200).replace(/[^\x20-\x7e]/g, '?') : undefined;
  const where = from
    ? `This request came from ${from}, a site that is not allowed`
    : 'This request did not say which site it came from';
  return `${where}: open the console at ${allowed[0] ?? 'its configured origin'} (PUBLIC_ORIGIN sets it; ALLOWED_ORIGINS adds more, comma-separated)`;
}

/** State-changing requests carry JSON, so an HTML form on another site cannot forge one. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    if (sendsNonJson(c)) {
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
