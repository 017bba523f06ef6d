import { parseKey } from '@kspay/shared';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Services } from '../../env';
import { accessTokenStore, type ResolvedToken } from '../../store/access-tokens';
import { appById, type AppState } from '../../store/apps-access';
import { domainStore } from '../../store/domains';
import { keyStore, keyUsable } from '../../store/keys';
import type { TxRow } from '../../store/transactions';
import { KsPayError } from './errors';
import { setV1Header } from './frame';

/** Who is calling `/v1`: an app, through one of its key pairs. */
export interface Caller {
  app: AppState;
  keyId: string;
  /** Set for bearer callers only: the HMAC key of `x-signature`. */
  secretHash: string | null;
}

export interface V1Env {
  Variables: {
    requestId: string;
    caller: Caller;
    /** Set by `requireBearerWithTransaction` only. */
    transaction: TxRow | null;
    /** The answer's headers, base ones included (`frame.ts`). */
    v1Headers: Readonly<Record<string, string>>;
  };
}

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
 */
function callerOf(s: Services, found: ResolvedToken | null): Caller {
  if (!found) throw new KsPayError('tokenMissing');
  const now = s.clock.now().toISOString();
  if (found.expiresAt <= now) throw new KsPayError('tokenExpired');
  if (!keyUsable({ status: found.keyStatus, expires_at: found.keyExpiresAt }, now)) {
    throw new KsPayError('inactiveKeyInDB');
  }
  if (!found.app || found.app.status !== 'active') throw new KsPayError('appDisabled');
  return { app: found.app, keyId: found.keyId, secretHash: found.secretHash };
}

export const requireBearer = (s: Services) => {
  const tokens = accessTokenStore(s.db, s.clock);
  return createMiddleware<V1Env>(async (c, next) => {
    const token = bearerToken(c);
    if (!token) throw new KsPayError('tokenMissing');
    c.set('caller', callerOf(s, await tokens.resolve(token, 'access')));
    await next();
  });
};

/**
 * `requireBearer` for a route named by the transaction it reads (`:id`): the token check and
 * the read are one statement (`resolveWithTransaction`), the token refused exactly as above
 * before anything about the transaction is looked at. Sets `transaction` (null: none of the
 * caller's app has that id).
 */
export const requireBearerWithTransaction = (s: Services) => {
  const tokens = accessTokenStore(s.db, s.clock);
  return createMiddleware<V1Env>(async (c, next) => {
    const token = bearerToken(c);
    if (!token) throw new KsPayError('tokenMissing');
    const found = await tokens.resolveWithTransaction(token, c.req.param('id') ?? '');
    c.set('caller', callerOf(s, found?.token ?? null));
    c.set('transaction', found?.transaction ?? null);
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
      c.set('caller', callerOf(s, await tokens.resolve(token, 'access')));
      return next();
    }
    const parsed = parseKey(accessKey);
    if (!parsed.ok || parsed.kind !== 'public') throw new KsPayError('invalidApiKey');
    const origin = c.req.header('origin');
    if (!origin) throw new KsPayError('invalidOrigin');
    const key = await keyStore(s.db, s.clock).findByPublicKey(accessKey);
    if (!key) throw new KsPayError('keyNotFoundInDB');
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
