import type { HistoryPage } from '@kspay/shared';
import type { Insertable } from 'kysely';
import { expect } from 'vitest';
import type { Dialect } from '../../src/db';
import type { TransactionsTable } from '../../src/db/schema';
import type { FakeClock } from '../../src/lib/clock';
import { newId, randomBase62 } from '@kspay/shared/ids';
import { sessionCookieName } from '../../src/console/middleware/session';
import { sessionStore } from '../../src/store/sessions';
import { v1 } from './payments';
import { call, createMerchant, type Merchant, type TestServer } from './security';
import { testServer } from './services';

/** Helpers for the overview, history and CSV suites. */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Moves the clock forward to the next 12:00 UTC, so a test's "today" cannot roll over. */
export function toNoon(clock: FakeClock): void {
  const now = clock.now().getTime();
  const noon = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS / 2;
  clock.advance(noon > now ? noon - now : noon + DAY_MS - now);
}

/**
 * A test server whose clock stands at 12:00 UTC, `daysAgo` days before the next noon, and a
 * merchant who signed up then.
 */
export async function merchantAtNoon(dialect: Dialect, daysAgo = 0) {
  const t = await testServer(dialect);
  toNoon(t.clock);
  t.clock.advance(-daysAgo * DAY_MS);
  return { t, m: await createMerchant(t) };
}

export type TxInsert = Insertable<TransactionsTable>;

/**
 * Transactions written straight into the table, for suites about reading the history (paging,
 * search, CSV): fast, and free to hold any created_at or text. They bypass the rollups, so the
 * overview suites make theirs through the payments API instead.
 */
export async function insertTransactions(
  t: TestServer,
  appId: string,
  rows: Partial<TxInsert>[]
): Promise<TxInsert[]> {
  const now = t.clock.now().toISOString();
  const full = rows.map((r): TxInsert => ({
    id: newId('tx'),
    app_id: appId,
    key_id: null,
    reference_number: `ref_${randomBase62(12)}`,
    provider_order_id: newId('order', 14),
    currency_id: 'c_WkmEe23LeI',
    currency_code: 'INR',
    payment_method_id: 'pm_Up1IndQ7x',
    payment_mode: 'UPI',
    gateway: 'KS Pay Sandbox',
    amount_minor: 1000,
    status: 'success',
    redirect_url: null,
    created_at: now,
    updated_at: now,
    ...r
  }));
  for (let i = 0; i < full.length; i += 500) {
    await t.services.db.db
      .insertInto('transactions')
      .values(full.slice(i, i + 500))
      .execute();
  }
  return full;
}

/** The history's order: newest first by (created_at, id), as plain string comparison. */
export function historyOrder(rows: { created_at: string; id: string }[]): string[] {
  return [...rows]
    .sort((a, b) =>
      a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1
    )
    .map((r) => r.id);
}

/** A new session for `m` at the clock's time (suites that move the clock past session expiry). */
export async function freshSession(t: TestServer, m: Merchant): Promise<Merchant> {
  const store = sessionStore(t.services.db, t.clock);
  const { token } = await store.create(m.id, { ip: null, userAgent: null });
  return { ...m, token, cookie: `${sessionCookieName(t.services.config.publicOrigin)}=${token}` };
}

export async function getJson<T>(t: TestServer, m: Merchant, path: string): Promise<T> {
  const res = await call(t, 'GET', path, { cookie: m.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/** Follows `nextCursor` to the end; answers every page. */
export async function allPages(
  t: TestServer,
  m: Merchant,
  appId: string,
  query: Record<string, string> = {}
): Promise<HistoryPage[]> {
  const pages: HistoryPage[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const page: HistoryPage = await getJson<HistoryPage>(
      t,
      m,
      `/api/apps/${appId}/transactions?${params.toString()}`
    );
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

export const CURRENCY = {
  INR: { currencyId: 'c_WkmEe23LeI', paymentMethodId: 'pm_Up1IndQ7x' },
  USD: { currencyId: 'c_2xqOlqufc3', paymentMethodId: 'pm_67NoP7JaQ' }
} as const;

/**
 * One sandbox payment through the real `/v1` API: initiate, then (unless `process` is false)
 * process with the signature initiate answered. The cents choose the outcome (sandboxOutcome).
 * `between` runs after initiate and before process (e.g. to move the clock).
 */
export async function pay(
  t: TestServer,
  token: string,
  currency: keyof typeof CURRENCY,
  amount: number,
  opts: { process?: boolean; between?: () => void } = {}
): Promise<string> {
  const init = await v1(t, 'POST', '/transaction/initiate', {
    token,
    body: { ...CURRENCY[currency], amount, referenceNumber: `ref_${randomBase62(12)}` }
  });
  expect(init.status, await init.clone().text()).toBe(201);
  const tx = ((await init.json()) as { result: { pe_txnId: string; signature: string } }).result;
  opts.between?.();
  if (opts.process === false) return tx.pe_txnId;
  const done = await v1(t, 'POST', '/transaction/process', {
    token,
    body: { pe_txnId: tx.pe_txnId },
    headers: { 'x-signature': tx.signature }
  });
  expect(done.status, await done.clone().text()).toBe(200);
  return tx.pe_txnId;
}
