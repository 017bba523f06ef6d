import { Hono } from 'hono';
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
import { v1Routes } from './routes/v1';
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

  app.onError((err, c) => {
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

  // The payments API: keys and bearer tokens only, no cookies; its own CORS, limits, errors.
  app.route('/v1', v1Routes(s));
  app.route('/', openApiRoutes());

  if (s.config.webRoot) app.route('/', serveSpa(s.config.webRoot));
  return app;
}
