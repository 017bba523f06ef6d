import { Hono, type ErrorHandler } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Services } from '../env';
import { limitDeclaredBody, sendsNonJson } from '../http/body';
import { RouteApp } from '../http/openapi';
import { domainStore } from '../store/domains';
import { v1AuthRoutes } from './token-routes';
import type { V1Env } from './env';
import { PUBLIC_KEY_PATHS, v1CatalogRoutes } from './catalog';
import { KsPayError, ksPayHook } from './errors';
import { setV1Header, v1BaseHeaders, v1Frame, v1Json } from './frame';
import { v1TransactionRoutes } from './transactions';
import { v1EventRoutes } from './events';

export const V1_MAX_BODY_BYTES = 16 * 1024;

/**
 * Bodies are JSON only (415 otherwise) and capped at 16 KiB (413); answers are never cached:
 * they carry tokens and transactions (`frame.ts`). No cookie is read anywhere under `/v1`.
 * Registered for the methods that carry a body only.
 */
function bodyRules() {
  const limit = limitDeclaredBody(V1_MAX_BODY_BYTES, () => {
    throw new KsPayError('invalidRequest', {
      message: `The request body is larger than ${V1_MAX_BODY_BYTES} bytes`,
      status: 413
    });
  });
  return createMiddleware<V1Env>(async (c, next) => {
    const method = c.req.method;
    await limit(c, async () => {
      if (method === 'POST' && sendsNonJson(c)) {
        throw new KsPayError('invalidRequest', {
          message: 'Send the request body as application/json',
          status: 415
        });
      }
      await next();
    });
  });
}

/**
 * CORS preflights carry no key, so they cannot name an app: a preflight is answered for the
 * public-key paths when its origin is on some app's allow-list, and the real request then
 * checks that origin against the app its key belongs to. Everything else is backend-only.
 */
function preflight(s: Services) {
  const domains = domainStore(s.db, s.clock);
  return createMiddleware<V1Env>(async (c) => {
    const origin = c.req.header('origin');
    const publicPath = PUBLIC_KEY_PATHS.some((p) => p.test(c.req.path));
    if (!origin || !publicPath || !(await domains.anyAllows(origin))) {
      throw new KsPayError('invalidOrigin');
    }
    setV1Header(c, 'Access-Control-Allow-Origin', origin);
    setV1Header(c, 'Access-Control-Allow-Methods', 'GET');
    setV1Header(c, 'Access-Control-Allow-Headers', 'x-access-key');
    setV1Header(c, 'Access-Control-Max-Age', '600');
    setV1Header(c, 'Vary', 'Origin');
    return v1Json(c, 204, null);
  });
}

/** Paths the payments API answers (and `v1ErrorHandler` covers). */
export const isV1Path = (path: string) => path === '/v1' || path.startsWith('/v1/');

/**
 * The sandbox payments API, mounted at `/v1` AHEAD of the console's middleware: its answers
 * are framed here (request id, log line, headers; `frame.ts`), the console's are not used.
 */
export function v1Routes(s: Services) {
  // Its errors are answered by `v1ErrorHandler`, installed by `createApp` for `/v1` paths.
  const app = new RouteApp<V1Env>({ defaultHook: ksPayHook });
  app.use('*', v1Frame(v1BaseHeaders(s.config.publicOrigin), s));
  app.options('*', preflight(s));
  // GET and HEAD have no body: they skip this layer altogether (the hot path is a GET).
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', bodyRules());
  app.route('/auth', v1AuthRoutes(s));
  app.route('/transaction', v1TransactionRoutes(s));
  app.route('/events', v1EventRoutes(s));
  app.route('/', v1CatalogRoutes(s));
  app.all('*', () => {
    throw new KsPayError('notFoundUrl');
  });
  return app;
}

/**
 * Mounts the payments API on `app` at `/v1`, where `inspectRoutes(app)` (the route registry's
 * security test) lists it, and answers with the same handlers looked up in a router of their
 * own: the returned `fetch` is what serves every `/v1` request. `/v1/:currencyId/payment-
 * methods` defeats Hono's RegExpRouter, and the trie router it falls back to is slow with all
 * the console's routes in it; PatternRouter over the twenty-odd `/v1` routes is not
 * (benchmark 1 guards it). Both registrations behave identically.
 */
export function mountPaymentsApi(
  app: RouteApp<AppEnv>,
  s: Services,
  onError: ErrorHandler<V1Env>
): Hono['fetch'] {
  const v1 = v1Routes(s);
  app.route('/v1', v1);
  const payments = new Hono<V1Env>({ router: new PatternRouter() });
  payments.onError(onError);
  payments.route('/v1', v1);
  return payments.fetch;
}
