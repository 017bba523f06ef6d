import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Services } from '../../env';
import { limitDeclaredBody, setResponseHeader } from '../../middleware/guards';
import { domainStore } from '../../store/domains';
import { v1AuthRoutes } from './auth';
import type { V1Env } from './caller';
import { PUBLIC_KEY_PATHS, v1CatalogRoutes } from './catalog';
import { KsPayError, v1ErrorHandler } from './errors';
import { v1TransactionRoutes } from './transactions';

export const V1_MAX_BODY_BYTES = 16 * 1024;

/**
 * Bodies are JSON only (415 otherwise), capped at 16 KiB (413), and answers are never cached:
 * they carry tokens and transactions. No cookie is read anywhere under `/v1`.
 */
const jsonOnly = createMiddleware<V1Env>(async (c, next) => {
  if (c.req.method === 'POST') {
    const type = c.req.header('content-type') ?? '';
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding');
    if ((hasBody || type) && !/^application\/json\s*(;|$)/i.test(type)) {
      throw new KsPayError('invalidRequest', {
        message: 'Send the request body as application/json',
        status: 415
      });
    }
  }
  await next();
  setResponseHeader(c, 'Cache-Control', 'no-store');
});

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
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', 'GET');
    c.header('Access-Control-Allow-Headers', 'x-access-key');
    c.header('Access-Control-Max-Age', '600');
    c.header('Vary', 'Origin');
    return c.body(null, 204);
  });
}

/** The sandbox payments API, mounted at `/v1`. */
export function v1Routes(s: Services) {
  const app = new Hono<V1Env>();
  app.onError(v1ErrorHandler(s.log));
  app.options('*', preflight(s));
  app.use(
    '*',
    limitDeclaredBody(V1_MAX_BODY_BYTES, () => {
      throw new KsPayError('invalidRequest', {
        message: `The request body is larger than ${V1_MAX_BODY_BYTES} bytes`,
        status: 413
      });
    }),
    jsonOnly
  );
  app.route('/auth', v1AuthRoutes(s));
  app.route('/transaction', v1TransactionRoutes(s));
  app.route('/', v1CatalogRoutes(s));
  app.all('*', () => {
    throw new KsPayError('notFoundUrl');
  });
  return app;
}
