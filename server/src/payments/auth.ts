import { parseKey } from '@kspay/shared';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Services } from '../env';
import { accessTokenStore, type BearerState, type ResolvedToken } from '../store/access-tokens';
import { appById, type AppState } from '../store/apps-access';
import { domainStore } from '../store/domains';
import { keyStore, keyUsable } from '../store/keys';
import type { Caller, V1Env } from './env';
import { KsPayError } from './errors';
import { setV1Header } from './frame';

/** The app must still exist and be active: a disabled app mints and uses nothing (11011). */
async function activeApp(s: Services, appId: string): Promise<AppState> {
  const app = await appById(s.db.db, appId);
  if (!app || app.status !== 'active') throw new KsPayError('appDisabled');
  return app;
}

export function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  return header.replace(/^Bearer\s+/i, '').trim() || null;
}

/**
 * Access-token authentication. The token is looked up by hash and its key pair and app are
 * re-read on every request (one statement, nothing cached): a disabled or replaced pair, or a
 * disabled or deleted app, stops its outstanding tokens at once, whatever their expiry says.
 * Throws the refusal, in this order: unknown, expired, pair not usable, app not active.
 */
export function checkBearer(s: Services, found: BearerState | null): void {
  if (!found) throw new KsPayError('tokenMissing');
  // Compared as instants, not as ISO strings: an active pair formats no time per request.
  const now = s.clock.now();
  if (Date.parse(found.expiresAt) <= now.getTime()) throw new KsPayError('tokenExpired');
  if (
    found.keyStatus !== 'active' &&
    !keyUsable({ status: found.keyStatus, expires_at: found.keyExpiresAt }, now.toISOString())
  ) {
    throw new KsPayError('inactiveKeyInDB');
  }
  if (found.appStatus !== 'active') throw new KsPayError('appDisabled');
}

/** The token's app and pair, logged for the app even when the token is then refused. */
function callerOf(s: Services, c: Context<V1Env>, found: ResolvedToken | null): Caller {
  if (found) c.set('keyUse', { appId: found.appId, keyId: found.keyId });
  checkBearer(s, found);
  const { app, keyId, secretHash } = found as ResolvedToken;
  if (!app) throw new KsPayError('appDisabled');
  return { app, keyId, secretHash };
}

export const requireBearer = (s: Services) => {
  const tokens = accessTokenStore(s.db, s.clock);
  return createMiddleware<V1Env>(async (c, next) => {
    const token = bearerToken(c);
    if (!token) throw new KsPayError('tokenMissing');
    c.set('caller', callerOf(s, c, await tokens.resolve(token, 'access')));
    await next();
  });
};

/**
 * A browser page may hold only the public key: with `x-access-key` (and no bearer token) it
 * may read the catalog, from an origin the app lists under Settings → Domain. The answer then
 * carries `Access-Control-Allow-Origin` for that origin; any other origin gets 13007 and no
 * CORS header, so the browser hides even the refusal from the page.
 */
export const requireBearerOrPublicKey = (s: Services) => {
  const tokens = accessTokenStore(s.db, s.clock);
  return createMiddleware<V1Env>(async (c, next) => {
    const token = bearerToken(c);
    const accessKey = c.req.header('x-access-key');
    if (token || !accessKey) {
      if (!token) throw new KsPayError('tokenMissing');
      c.set('caller', callerOf(s, c, await tokens.resolve(token, 'access')));
      return next();
    }
    const parsed = parseKey(accessKey);
    if (!parsed.ok || parsed.kind !== 'public') throw new KsPayError('invalidApiKey');
    const origin = c.req.header('origin');
    if (!origin) throw new KsPayError('invalidOrigin');
    const key = await keyStore(s.db, s.clock).findByPublicKey(accessKey);
    if (!key) throw new KsPayError('keyNotFoundInDB');
    c.set('keyUse', { appId: key.app_id, keyId: key.id });
    if (!(await domainStore(s.db, s.clock).isAllowed(key.app_id, origin))) {
      throw new KsPayError('invalidOrigin');
    }
    setV1Header(c, 'Access-Control-Allow-Origin', origin);
    setV1Header(c, 'Vary', 'Origin');
    if (!keyUsable(key, s.clock.now().toISOString())) throw new KsPayError('inactiveKeyInDB');
    c.set('caller', { app: await activeApp(s, key.app_id), keyId: key.id, secretHash: null });
    await next();
  });
};
