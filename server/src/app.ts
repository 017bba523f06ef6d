import { Hono, type Context } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import { getPath } from 'hono/utils/url';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import { except } from 'hono/combine';
import { MAX_PUSH_BODY_BYTES } from '@kspay/shared';
import type { AppEnv, Services } from './env';
import { ApiError, errorResponse } from './lib/errors';
import { limitBody, noStore, requireAllowedOrigin, requireJsonBody } from './middleware/guards';
import { requestLog } from './middleware/request-log';
import { healthRoutes } from './routes/health';
import { authRoutes } from './routes/auth';
import { serveSpa } from './routes/spa';
import { syncRoutes } from './routes/sync';
import { appRoutes } from './routes/apps';
import { keysRoutes } from './routes/keys';
import { appSettingsRoutes } from './routes/app-settings';
import { overviewRoutes } from './routes/overview';
import { transactionHistoryRoutes } from './routes/transactions';
import { isV1Path, v1Routes } from './routes/v1';
import type { V1Env } from './routes/v1/caller';
import { v1ErrorHandler } from './routes/v1/errors';
import { openApiRoutes } from './routes/openapi';

/** The typed `/api` routes; `AppType` gives the web app its client (`hc<AppType>`). */
function apiRoutes(s: Services) {
  return new Hono<AppEnv>()
    .route('/health', healthRoutes(s))
    .route('/auth', authRoutes(s))
    .route('/sync', syncRoutes(s))
    .route('/apps', appRoutes(s))
    .route('/apps', keysRoutes(s))
    .route('/apps', appSettingsRoutes(s))
    .route('/apps', overviewRoutes(s))
    .route('/apps', transactionHistoryRoutes(s));
}

export type AppType = ReturnType<typeof apiRoutes>;

export function createApp(s: Services) {
  const app = new Hono<AppEnv>();
  const v1Errors = v1ErrorHandler(s.log);

  app.onError((err, c) => {
    // One error handler for the whole app, not one per mounted app: Hono wraps every handler
    // of a sub-app that has its own in an extra compose (a cost on each `/v1` call).
    if (isV1Path(c.req.path)) return v1Errors(err, c as unknown as Context<V1Env>);
    if (err instanceof ApiError) return errorResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx (e.g. malformed JSON in the validator) in our error shape.
      const code =
        err.status === 400
          ? 'bad_json'
          : err.status === 413
            ? 'payload_too_large'
            : 'validation_failed';
      return errorResponse(c, new ApiError(code, err.message || 'The request could not be read'));
    }
    s.log.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return errorResponse(c, new ApiError('internal', 'Something went wrong on our side'));
  });

  // The payments API first: it frames its own answers (routes/v1/frame.ts) and ends every
  // `/v1` request itself, so the console's middleware below never runs for it.
  const v1 = v1Routes(s);
  app.route('/v1', v1);

  app.use('*', requestId());
  app.use('*', requestLog(s.log));
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"]
      },
      crossOriginEmbedderPolicy: false
    })
  );

  app.use(
    '/api/*',
    // The logo route sets its own private cache headers; sync push carries logos (base64).
    except('/api/apps/:id/logo', noStore),
    except('/api/sync/push', limitBody()),
    requireAllowedOrigin(s.config.allowedOrigins),
    requireJsonBody
  );
  app.use('/api/sync/push', limitBody(MAX_PUSH_BODY_BYTES));
  app.route('/api', apiRoutes(s));
  app.all('/api/*', () => {
    throw new ApiError('not_found', 'There is no such API endpoint');
  });

  app.route('/', openApiRoutes());

  if (s.config.webRoot) app.route('/', serveSpa(s.config.webRoot));

  // The same `/v1` handlers, looked up in a router of their own: `/v1/:currencyId/payment-
  // methods` defeats Hono's RegExpRouter, and the trie router it falls back to took a tenth of
  // a payments API call's CPU with all the console's routes in it. PatternRouter over the
  // twenty-odd `/v1` routes is twice as fast. Every `/v1` request goes this way; the
  // registration above is what `inspectRoutes(app)` (the route registry's security test)
  // sees, and behaves identically.
  const payments = new Hono<AppEnv>({ router: new PatternRouter() });
  payments.onError((err, c) => v1Errors(err, c as unknown as Context<V1Env>));
  payments.route('/v1', v1);
  const consoleFetch = app.fetch;
  app.fetch = (req, env, ctx) =>
    isV1Path(getPath(req)) ? payments.fetch(req, env, ctx) : consoleFetch(req, env, ctx);
  return app;
}
