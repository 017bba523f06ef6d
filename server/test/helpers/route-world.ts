import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { expect } from 'vitest';
import { hashToken } from '../../src/lib/tokens';
import { create, fields, newAppId, newClientId, pngLogo } from './apps';
import { ownBusiness, teamPath } from './team';
import {
  call,
  createMerchant,
  generateKeys,
  INR,
  INR_UPI,
  tokensFor,
  v1,
  type KeyPair,
  type Merchant,
  type TestServer
} from './payments';

/** The origin the owner lists under Settings → Domain (the public key works from it). */
export const SHOP_ORIGIN = 'https://shop.example.com';

/** One merchant's records, as every route of the registry can name them. */
export interface Holdings {
  merchant: Merchant;
  /** Sync client that registered `appId` (mutation 1). */
  clientId: string;
  /** Registered through sync, with a logo. */
  appId: string;
  pair: KeyPair;
  accessToken: string;
  refreshToken: string;
  /** The public id (`se_…`) of `merchant`'s session. */
  sessionId: string;
  /** The business `merchant` owns (sign-up made it). */
  businessId: string;
}

/**
 * Two merchants with everything a route can point at: apps (with logos) registered through
 * sync, a key pair each, bearer tokens, a domain and a transaction of the owner's. Security and
 * hostile-input suites aim the `other` merchant's credentials at the `owner`'s ids.
 */
export interface World {
  t: TestServer;
  owner: Holdings;
  other: Holdings;
  domainId: string;
  /** The owner's transaction and the `x-signature` that processes it. */
  txnId: string;
  signature: string;
}

async function holdings(t: TestServer): Promise<Holdings> {
  const merchant = await createMerchant(t);
  const clientId = newClientId();
  const appId = newAppId();
  const pushed = await call(t, 'POST', '/api/sync/push', {
    cookie: merchant.cookie,
    body: {
      clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(1, appId, fields(), pngLogo())]
    }
  });
  expect(pushed.status, await pushed.clone().text()).toBe(200);
  const pair = await generateKeys(t, merchant, appId);
  const { accessToken, refreshToken } = await tokensFor(t, appId, pair);
  const { id: sessionId } = await t.services.db.db
    .selectFrom('sessions')
    .select('id')
    .where('token_hash', '=', hashToken(merchant.token))
    .executeTakeFirstOrThrow();
  const businessId = await ownBusiness(t, merchant);
  return { merchant, clientId, appId, pair, accessToken, refreshToken, sessionId, businessId };
}

export async function buildWorld(t: TestServer): Promise<World> {
  const owner = await holdings(t);
  const other = await holdings(t);
  // Each member's first request to a business records their activity (once a minute at most):
  // done here, so the suites' "nothing changed" snapshots start after it.
  for (const h of [owner, other]) {
    const res = await call(t, 'GET', teamPath(h.businessId, '/members'), {
      cookie: h.merchant.cookie
    });
    expect(res.status).toBe(200);
  }
  const domain = await call(t, 'POST', `/api/apps/${owner.appId}/domains`, {
    cookie: owner.merchant.cookie,
    body: { origin: SHOP_ORIGIN }
  });
  expect(domain.status).toBe(201);
  const domainId = ((await domain.json()) as { domain: { id: string } }).domain.id;
  const initiated = await v1(t, 'POST', '/transaction/initiate', {
    token: owner.accessToken,
    body: { currencyId: INR, paymentMethodId: INR_UPI, amount: 10, referenceNumber: 'ref-world-1' }
  });
  expect(initiated.status).toBe(201);
  const { result } = (await initiated.json()) as {
    result: { pe_txnId: string; signature: string };
  };
  return { t, owner, other, domainId, txnId: result.pe_txnId, signature: result.signature };
}

export type Who = 'owner' | 'other' | 'anonymous';

export interface SendOptions {
  /** Merged over the request's own headers; null removes one (e.g. `origin`). */
  headers?: Record<string, string | null>;
  /** A raw body instead of the request's JSON (set `content-type` yourself). */
  raw?: string;
  /** Leave the credentials out but keep everything else. */
  noCredentials?: boolean;
}

/**
 * Sends a registry request as `who`, with the credentials its route reads: the session cookie
 * under `/api`, the access or refresh token under `/v1` (a key pair travels in the body).
 * Non-GET requests carry the app's own Origin unless `opts.headers` says otherwise.
 */
export function send(
  w: World,
  route: { method: string; access: string },
  req: { path: string; body?: unknown; headers?: Record<string, string> },
  who: Who,
  opts: SendOptions = {}
): Promise<Response> {
  const h = who === 'anonymous' || opts.noCredentials ? null : w[who];
  const headers: Record<string, string | null> = { ...req.headers };
  let cookie: string | undefined;
  if (h && route.access === 'session') cookie = h.merchant.cookie;
  if (h && (route.access === 'bearer' || route.access === 'catalog')) {
    headers.authorization = `Bearer ${h.accessToken}`;
  }
  if (h && route.access === 'refresh') headers.authorization = `Bearer ${h.refreshToken}`;
  Object.assign(headers, opts.headers);
  const method = route.method === 'ALL' ? 'GET' : route.method;
  return call(w.t, method, req.path, { body: req.body, raw: opts.raw, cookie, headers });
}
