import { createRoute } from '@hono/zod-openapi';
import { appIdSchema, generateTokenInput, parseKey, tokenPairSchema } from '@kspay/shared';
import { z } from 'zod';
import type { RateLimit } from '../config';
import type { Services } from '../env';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { hashToken, safeEqual } from '../lib/tokens';
import { accessTokenStore } from '../store/access-tokens';
import { appById } from '../store/apps-access';
import { keyStore, keyUsable } from '../store/keys';
import { rateLimitStore } from '../store/rate-limits';
import { bearerToken } from './auth';
import type { V1Env } from './env';
import { jsonContent, RouteApp } from '../http/openapi';
import { BODY_ERRORS, ksPayResponses } from './contract';
import { KsPayError, ksPayHook, ok } from './errors';

/**
 * Token exchanges per public key and client address (/64 for IPv6): generous for a backend, a
 * wall for guessing. The public key sits in web pages, so a limit per key alone would let
 * anyone lock a merchant's backend out by spamming exchanges with a wrong secret.
 */
export const TOKEN_EXCHANGE_LIMIT: RateLimit = { max: 30, windowMs: 60 * 1000 };

const tags = ['Auth'];

const generateToken = createRoute({
  method: 'post',
  path: '/generate-token/{appId}',
  summary: 'Exchange a key pair for tokens',
  description:
    'accessKey is the public key (kspk_…), secretKey the secret key (kssk_…). Idempotency-Key is not used by the token routes: a retry is already safe, and a replay would hand out the same tokens twice.',
  tags,
  request: {
    params: z.object({ appId: z.string().describe('App id, e.g. ap_rtk2WdyQR') }),
    body: { required: true, ...jsonContent(generateTokenInput) }
  },
  responses: ksPayResponses(
    { status: 201, description: 'Access and refresh token', result: tokenPairSchema },
    [
      ...BODY_ERRORS,
      'apiKeyMissing',
      'invalidApiKey',
      'customError',
      'tooManyRequests',
      'keyNotFoundInDB',
      'invalidSecretKey',
      'inactiveKeyInDB',
      'appDisabled'
    ]
  )
});

const refreshToken = createRoute({
  method: 'post',
  path: '/refresh-token',
  summary: 'Rotate tokens with a refresh token',
  description:
    'Send the refresh token in Authorization (with or without "Bearer "). Single use; the body is not read.',
  tags,
  request: {
    headers: z.object({ authorization: z.string().describe('The refresh token') })
  },
  responses: ksPayResponses(
    { status: 201, description: 'New access and refresh token', result: tokenPairSchema },
    ['tokenMissing', 'invalidRefreshToken', 'inactiveKeyInDB', 'appDisabled']
  )
});

/**
 * `POST /v1/auth/generate-token/:appId {accessKey, secretKey}` and `POST /v1/auth/refresh-token`.
 *
 * The exchange checks, in order: both keys present (9002); both well-formed with a valid
 * checksum, of the right kinds and the same mode (9005) — all offline, so a mistyped key costs
 * no database query; the app id's shape (-17); the per-key rate limit (11005); the public key
 * exists for this app (11001); the secret's SHA-256 equals the stored one, compared in constant
 * time (11004); the pair is usable (11002); the app is active (11011).
 */
export function v1AuthRoutes(s: Services) {
  const keys = keyStore(s.db, s.clock);
  const tokens = accessTokenStore(s.db, s.clock);
  const limits = rateLimitStore(s.db, s.clock);

  async function requireActiveApp(appId: string) {
    const app = await appById(s.db.db, appId);
    if (!app || app.status !== 'active') throw new KsPayError('appDisabled');
  }

  return (
    new RouteApp<V1Env>({ defaultHook: ksPayHook })
      .openapi(generateToken, async (c) => {
        const { accessKey, secretKey } = c.req.valid('json');
        if (!accessKey || !secretKey) throw new KsPayError('apiKeyMissing');
        const pub = parseKey(accessKey);
        const sec = parseKey(secretKey);
        if (
          !pub.ok ||
          !sec.ok ||
          pub.kind !== 'public' ||
          sec.kind !== 'secret' ||
          pub.mode !== sec.mode
        ) {
          throw new KsPayError('invalidApiKey');
        }
        const appId = c.req.param('appId');
        if (!appIdSchema.safeParse(appId).success) {
          throw new KsPayError('customError', {
            message:
              "ID must start with 'ap_' and be 12 characters long with alphanumeric characters following the prefix."
          });
        }
        const subject = `${accessKey}|${rateLimitSubject(clientIp(c, s.config.trustProxy))}`;
        const limit = await limits.hit('v1-token-exchange', subject, TOKEN_EXCHANGE_LIMIT);
        if (!limit.allowed) {
          throw new KsPayError('tooManyRequests', {
            headers: { 'Retry-After': String(limit.retryAfterSeconds) }
          });
        }
        const key = await keys.findByPublicKey(accessKey);
        if (!key || key.app_id !== appId) throw new KsPayError('keyNotFoundInDB');
        c.set('keyUse', { appId, keyId: key.id });
        if (!safeEqual(hashToken(secretKey), key.secret_hash))
          throw new KsPayError('invalidSecretKey');
        if (!keyUsable(key, s.clock.now().toISOString())) throw new KsPayError('inactiveKeyInDB');
        await requireActiveApp(appId);
        return ok(c, 201, await tokens.issue(key.id, appId));
      })

      /**
       * The refresh token (in `Authorization`, with or without `Bearer`) is single use and
       * rotated; the pair and app it belongs to must still be usable. A body is not read.
       */
      .openapi(refreshToken, async (c) => {
        const token = bearerToken(c);
        if (!token) throw new KsPayError('tokenMissing');
        const found = await tokens.resolve(token, 'refresh');
        if (!found) throw new KsPayError('invalidRefreshToken');
        c.set('keyUse', { appId: found.appId, keyId: found.keyId });
        const now = s.clock.now().toISOString();
        if (found.expiresAt <= now) {
          throw new KsPayError('invalidRefreshToken', { message: 'Refresh token has expired.' });
        }
        if (!keyUsable({ status: found.keyStatus, expires_at: found.keyExpiresAt }, now)) {
          throw new KsPayError('inactiveKeyInDB');
        }
        await requireActiveApp(found.appId);
        if (!(await tokens.consume(found.tokenHash))) throw new KsPayError('invalidRefreshToken');
        return ok(c, 201, await tokens.issue(found.keyId, found.appId));
      })
  );
}
