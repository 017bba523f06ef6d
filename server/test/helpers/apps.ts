import { SYNC_SCHEMA_VERSION, type Mutation } from '@kspay/shared';
import { bytesToBase64 } from '@kspay/shared/logo';
import type { AppFieldsInput, AppPushResponse, PullResponse } from '@kspay/shared/apps';
import { expect } from 'vitest';
import { newId, randomBase62 } from '@kspay/shared/ids';
import { newToken } from '../../src/lib/tokens';
import { sessionStore } from '../../src/store/sessions';
import type { Dialect } from '../../src/db';
import { TEST_ORIGIN, testServer } from './services';

/** Helpers for the apps and sync suites: merchants, valid apps, push/pull as the browser does. */
export type T = Awaited<ReturnType<typeof testServer>>;

export interface TestMerchant {
  id: string;
  cookie: string;
  /** The merchant's own business, where they are the Owner. */
  businessId: string;
}

/** A test server with one merchant signed in, for a suite's `beforeAll`. */
export async function serverWithMerchant(dialect: Dialect) {
  const t = await testServer(dialect);
  return { t, m: await merchant(t) };
}

/** A merchant with a live session and their own business, written straight to the tables. */
export async function merchant(t: T): Promise<TestMerchant> {
  const { db } = t.services.db;
  const id = newId('us');
  const businessId = newId('bu');
  const now = t.clock.now().toISOString();
  await db
    .insertInto('users')
    .values({
      id,
      email: `${id.toLowerCase()}@example.com`,
      name: 'Merchant',
      password_hash: 'not-used',
      email_verified_at: now,
      created_at: now,
      updated_at: now
    })
    .execute();
  await db
    .insertInto('businesses')
    .values({ id: businessId, name: 'Shop', created_at: now })
    .execute();
  await db
    .insertInto('memberships')
    .values({
      business_id: businessId,
      user_id: id,
      role: 'owner',
      created_at: now,
      last_active_at: null
    })
    .execute();
  const { token } = await sessionStore(t.services.db, t.clock).create(id, {
    ip: null,
    userAgent: null
  });
  return { id, cookie: `kspay_session=${token}`, businessId };
}

export const newClientId = () =>
  `cl_${newToken()
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 20)}`;
export const newAppId = () => newId('ap');

export function fields(overrides: Partial<AppFieldsInput> = {}): AppFieldsInput {
  return {
    name: `Shop x_${randomBase62(6)}`,
    email: 'owner@shop.example',
    address: '12 MG Road',
    phone: '+91 98765 43210',
    country: 'IN',
    state: 'IN-MH',
    city: 'Mumbai',
    postalCode: '400001',
    ...overrides
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes that start like a PNG, `size` long (the server checks the signature and the size). */
export function pngBytes(size: number, fill = 7): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(PNG_SIGNATURE);
  return bytes;
}

export function pngLogo(size = 2000, fill = 7) {
  return { type: 'image/png' as const, data: bytesToBase64(pngBytes(size, fill)) };
}

export function create(id: number, appId = newAppId(), f = fields(), logo: unknown = null) {
  return { id, name: 'app.create', args: { id: appId, fields: f, logo } } satisfies Mutation;
}

export async function post(t: T, path: string, cookie: string, body: unknown) {
  return t.app.request(path, {
    method: 'POST',
    headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', cookie },
    body: JSON.stringify(body)
  });
}

export function pushRaw(t: T, m: TestMerchant, clientId: string, mutations: Mutation[]) {
  return post(t, '/api/sync/push', m.cookie, {
    businessId: m.businessId,
    clientId,
    schemaVersion: SYNC_SCHEMA_VERSION,
    mutations
  });
}

/** A push that must succeed. */
export async function push(t: T, m: TestMerchant, clientId: string, mutations: Mutation[]) {
  const res = await pushRaw(t, m, clientId, mutations);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AppPushResponse;
}

export function pullRaw(t: T, m: TestMerchant, clientId: string, cursor = 0, rejectionsAfter = 0) {
  return post(t, '/api/sync/pull', m.cookie, {
    businessId: m.businessId,
    clientId,
    schemaVersion: SYNC_SCHEMA_VERSION,
    cursor,
    rejectionsAfter
  });
}

export async function pull(t: T, m: TestMerchant, clientId: string, cursor = 0, after = 0) {
  const res = await pullRaw(t, m, clientId, cursor, after);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as PullResponse;
}

/** Every row of the apps and sync tables, to assert that a refused request changed nothing. */
export async function syncTables(t: T) {
  const { db } = t.services.db;
  const tables = ['apps', 'app_logos', 'merchant_versions', 'sync_clients', 'sync_rejections'];
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await db
      .selectFrom(table as 'apps')
      .selectAll()
      .execute();
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
