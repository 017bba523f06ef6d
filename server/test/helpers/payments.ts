import { createHash, createHmac } from 'node:crypto';
import { signaturePayload } from '@kspay/shared';
import { expect } from 'vitest';
import { newId, randomBase62 } from '@kspay/shared/ids';
import { call, createMerchant, type Merchant, type TestServer } from './security';

export { call, createMerchant, type Merchant, type TestServer };

/**
 * `t.close()` after letting the pool's sockets finish closing: pg-pool's `end()` resolves
 * before its connections are gone, and the helper's `DROP DATABASE … WITH (FORCE)` would kill
 * them mid-close (an unhandled FATAL 57P01) after suites that used many connections at once.
 */
export async function closeServer(t: TestServer): Promise<void> {
  await t.services.db.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await t.close();
}

/**
 * An app owned by `merchant`, written straight into `apps` (the apps API is another suite's
 * subject). Only the columns the keys and payments code reads matter here.
 */
export async function createTestApp(
  t: TestServer,
  merchant: Merchant,
  opts: { status?: 'active' | 'disabled' } = {}
): Promise<string> {
  const id = newId('ap');
  const now = t.clock.now().toISOString();
  await t.services.db.db
    .insertInto('apps')
    .values({
      id,
      business_id: merchant.businessId,
      name: `Shop ${id}`,
      name_key: `shop ${id.toLowerCase()}`,
      email: merchant.email,
      address: '1 Test Street',
      phone: null,
      country: 'IN',
      state: null,
      city: null,
      postal_code: '400001',
      status: opts.status ?? 'active',
      logo_hash: null,
      version: 1,
      last_client_id: null,
      created_at: now,
      updated_at: now,
      deleted_at: null
    })
    .execute();
  return id;
}

export async function setAppStatus(t: TestServer, appId: string, status: 'active' | 'disabled') {
  await t.services.db.db.updateTable('apps').set({ status }).where('id', '=', appId).execute();
}

export interface KeyPair {
  keyId: string;
  publicKey: string;
  secretKey: string;
}

export async function generateKeys(t: TestServer, m: Merchant, appId: string): Promise<KeyPair> {
  const res = await call(t, 'POST', `/api/apps/${appId}/keys`, { cookie: m.cookie });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { key: { id: string; publicKey: string }; secretKey: string };
  return { keyId: body.key.id, publicKey: body.key.publicKey, secretKey: body.secretKey };
}

export async function regenerateKeys(
  t: TestServer,
  m: Merchant,
  appId: string,
  keyId: string,
  grace = 'now'
): Promise<KeyPair> {
  const res = await call(t, 'POST', `/api/apps/${appId}/keys/${keyId}/regenerate`, {
    cookie: m.cookie,
    body: { grace }
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { key: { id: string; publicKey: string }; secretKey: string };
  return { keyId: body.key.id, publicKey: body.key.publicKey, secretKey: body.secretKey };
}

/** A `/v1` request: JSON body, optional bearer token and headers; never a cookie. */
export function v1(
  t: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return Promise.resolve(
    t.app.request(`/v1${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
    })
  );
}

export function exchange(
  t: TestServer,
  appId: string,
  pair: Pick<KeyPair, 'publicKey' | 'secretKey'>
) {
  return v1(t, 'POST', `/auth/generate-token/${appId}`, {
    body: { accessKey: pair.publicKey, secretKey: pair.secretKey }
  });
}

export async function tokensFor(t: TestServer, appId: string, pair: KeyPair) {
  const res = await exchange(t, appId, pair);
  expect(res.status).toBe(201);
  const body = (await res.json()) as { result: { accessToken: string; refreshToken: string } };
  return body.result;
}

/** KS Pay's error envelope with `code` (and HTTP status). */
export async function expectKsError(res: Response, status: number, code: number) {
  const body = (await res.json()) as { status: number; code: number; result: unknown };
  expect({ http: res.status, status: body.status, code: body.code, result: body.result }).toEqual({
    http: status,
    status,
    code,
    result: null
  });
  return body;
}

/** What a merchant's backend computes: HMAC-SHA256 keyed with SHA-256(secret). */
export function clientSignature(
  secretKey: string,
  tx: { pe_txnId: string; referenceNumber: string; amount: number; currency: string }
): string {
  const key = createHash('sha256').update(secretKey).digest();
  return createHmac('sha256', key).update(signaturePayload(tx)).digest('hex');
}

export const INR = 'c_WkmEe23LeI';
export const INR_UPI = 'pm_Up1IndQ7x';
export const USD_CARD = 'pm_67NoP7JaQ';

export async function initiate(
  t: TestServer,
  token: string,
  amount: number,
  referenceNumber = `ref_${randomBase62(12)}`
) {
  const res = await v1(t, 'POST', '/transaction/initiate', {
    token,
    body: { currencyId: INR, paymentMethodId: INR_UPI, amount, referenceNumber }
  });
  return { res, referenceNumber };
}

/** A new merchant's app ready to take payments: its key pair and an access token. */
export async function payingApp(t: TestServer) {
  const m = await createMerchant(t);
  const appId = await createTestApp(t, m);
  const pair = await generateKeys(t, m, appId);
  const token = (await tokensFor(t, appId, pair)).accessToken;
  return { m, appId, pair, token };
}

/** An app of `owner`, and `other`, a second merchant who tries to reach it. */
export async function ownerAndStranger(t: TestServer) {
  const owner = await createMerchant(t);
  const other = await createMerchant(t);
  const appId = await createTestApp(t, owner);
  return { owner, other, appId };
}
