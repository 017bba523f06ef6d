import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import { except } from 'hono/combine';
import { MAX_PUSH_BODY_BYTES } from '@kspay/shared';
import type { AppEnv, Services } from './env';
import { ApiError, errorResponse } from './lib/errors';
import {
  limitBody,
  noStore,
  requireAllowedOrigin,
  requireJsonBody
} from './console/middleware/guards';
import { requestLog } from './http/request-log';
import { healthRoutes } from './console/health';
import { authRoutes } from './console/auth';
import { serveSpa } from './site/spa';
import { spaScriptHashes } from './site/csp';
import { hstsPolicy } from './http/hsts';
import { syncRoutes } from './console/sync';
import { appRoutes } from './console/apps';
import { keysRoutes } from './console/keys';
import { appSettingsRoutes } from './console/app-settings';
import { overviewRoutes } from './console/overview';
import { accountRoutes } from './console/account';
import { profileRoutes } from './console/profile';
import { sessionRoutes } from './console/sessions';
import { businessRoutes } from './console/businesses';
import { companyRoutes } from './console/company';
import { mfaRoutes } from './console/mfa';
import { passkeyRoutes } from './console/passkeys';
import { teamRoutes } from './console/team';
import { teamActivityRoutes } from './console/team-activity';
import { inviteRoutes } from './console/invites';
import { transactionHistoryRoutes } from './console/transactions';
import { webhookRoutes } from './console/webhooks';
import { requestLogRoutes } from './console/logs';
import { isV1Path, mountPaymentsApi } from './payments';
import type { V1Env } from './payments/env';
import { v1ErrorHandler } from './payments/errors';
import { openApiRoutes } from './docs';
import { RouteApp } from './http/openapi';

/** The typed `/api` routes; `AppType` gives the web app its client (`hc<AppType>`). */
function apiRoutes(s: Services) {
  return new RouteApp<AppEnv>()
    .route('/health', healthRoutes(s))
    .route('/auth', authRoutes(s))
    .route('/account', accountRoutes(s))
    .route('/profile', profileRoutes(s))
    .route('/sessions', sessionRoutes(s))
    .route('/businesses', businessRoutes(s))
    .route('/businesses', companyRoutes(s))
    .route('/mfa', mfaRoutes(s))
    .route('/passkeys', passkeyRoutes(s))
    .route('/businesses', teamRoutes(s))
    .route('/businesses', teamActivityRoutes(s))
    .route('/invites', inviteRoutes(s))
    .route('/sync', syncRoutes(s))
    .route('/apps', appRoutes(s))
    .route('/apps', keysRoutes(s))
    .route('/apps', appSettingsRoutes(s))
    .route('/apps', overviewRoutes(s))
    .route('/apps', transactionHistoryRoutes(s))
    .route('/apps', webhookRoutes(s))
    .route('/apps', requestLogRoutes(s));
}

export type AppType = ReturnType<typeof apiRoutes>;

export function createApp(s: Services) {
  const app = new RouteApp<AppEnv>();
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

  // The payments API first: it frames its own answers (payments/frame.ts) and ends every
  // `/v1` request itself, so the console's middleware below never runs for it.
  const payments = mountPaymentsApi(app, s, v1Errors);

  app.use('*', requestId());
  app.use('*', requestLog(s.log));
  // Scripts: only files of this origin and the page's inline bootstrap, by hash (site/csp.ts).
  // Styles keep 'unsafe-inline': Svelte transitions and bits-ui's floating content position
  // elements with style attributes and injected keyframes, which hashes cannot name.
  // X-Frame-Options says what frame-ancestors says, for browsers that know only the former.
  const scriptHashes = spaScriptHashes(s.config.webRoot);
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...scriptHashes],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"]
      },
      xFrameOptions: 'DENY',
      strictTransportSecurity: hstsPolicy(s.config.publicOrigin) ?? false,
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

  app.route('/', openApiRoutes(app));

  if (s.config.webRoot) app.route('/', serveSpa(s.config.webRoot));

  const consoleFetch = app.fetch;
  app.fetch = (req, env, ctx) =>
    isV1Path(getPath(req)) ? payments(req, env, ctx) : consoleFetch(req, env, ctx);
  return app;
}
