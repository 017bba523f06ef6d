import {
  HISTORY_COUNT_CAP,
  transactionStatuses,
  utcDay,
  type HistoryPage,
  type TransactionStatus
} from '@kspay/shared';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  allPages,
  DAY_MS,
  freshSession,
  getJson,
  historyOrder,
  insertTransactions,
  type TxInsert,
  merchantAtNoon
} from './helpers/history';
import { closeServer, createTestApp, type Merchant, type TestServer } from './helpers/payments';
import { call } from './helpers/security';
import { describeEachDialect } from './helpers/services';

describeEachDialect('transaction history: status filter and total', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    ({ t, m } = await merchantAtNoon(dialect, 20));
    t.clock.advance(20 * DAY_MS);
    m = await freshSession(t, m);
  });
  afterAll(() => closeServer(t));

  /** Rows as the transaction store writes them: each with its rollup (the undated total). */
  async function insert(appId: string, rows: Partial<TxInsert>[]) {
    const full = await insertTransactions(t, appId, rows);
    // A recount of the app, as 004_metrics builds the rollups from existing rows.
    const { db } = t.services.db;
    await db.deleteFrom('transaction_daily').where('app_id', '=', appId).execute();
    await sql`
      insert into transaction_daily (app_id, day, currency, status, count, volume_minor)
      select app_id, substr(created_at, 1, 10), currency_code, status, count(*), sum(amount_minor)
      from transactions where app_id = ${appId}
      group by app_id, substr(created_at, 1, 10), currency_code, status
    `.execute(db);
    return full;
  }

  const ids = (pages: HistoryPage[]) => pages.flatMap((p) => p.transactions.map((r) => r.id));

  it('pages exactly through one status, ties included, and counts every match', async () => {
    const base = t.clock.now().getTime();
    const status = fc.constantFrom<TransactionStatus>(...transactionStatuses);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ slot: fc.nat(4), status }), { maxLength: 50 }),
        status,
        fc.integer({ min: 1, max: 6 }),
        async (specs, wanted, limit) => {
          const appId = await createTestApp(t, m);
          const rows = await insert(
            appId,
            specs.map((s) => ({
              created_at: new Date(base - s.slot * 1000).toISOString(),
              status: s.status
            }))
          );
          const pages = await allPages(t, m, appId, { status: wanted, limit: String(limit) });
          const expected = historyOrder(rows.filter((r) => r.status === wanted));
          expect(ids(pages)).toEqual(expected);
          // The total is of the whole filter, the same on every page.
          expect(new Set(pages.map((p) => p.total))).toEqual(new Set([expected.length]));
          const everything = await getJson<HistoryPage>(
            t,
            m,
            `/api/apps/${appId}/transactions?limit=1`
          );
          expect(everything.total).toBe(rows.length);
        }
      ),
      { seed: 151515, numRuns: 15 }
    );
  });

  it('counts within the date range, the search and the status together', async () => {
    t.clock.advance(-10 * DAY_MS);
    const appId = await createTestApp(t, m);
    t.clock.advance(10 * DAY_MS);
    const day = (n: number) => utcDay(new Date(t.clock.now().getTime() + n * DAY_MS));
    await insert(appId, [
      { created_at: `${day(-5)}T10:00:00.000Z`, status: 'failed' },
      { created_at: `${day(-2)}T10:00:00.000Z`, status: 'failed' },
      { created_at: `${day(-2)}T11:00:00.000Z`, status: 'failed' },
      { created_at: `${day(-2)}T12:00:00.000Z`, status: 'success' },
      { created_at: `${day(-1)}T12:00:00.000Z`, status: 'pending' }
    ]);
    const total = async (query: Record<string, string>) => {
      const p = await getJson<HistoryPage>(
        t,
        m,
        `/api/apps/${appId}/transactions?${new URLSearchParams(query).toString()}`
      );
      expect(p.totalCapped).toBe(false);
      return p.total;
    };
    expect(await total({})).toBe(5);
    expect(await total({ status: 'failed' })).toBe(3);
    expect(await total({ status: 'failed', from: day(-3), to: day(0) })).toBe(2);
    expect(await total({ status: 'initiated' })).toBe(0);
    expect(await total({ status: '' })).toBe(5);
    expect(await total({ status: 'pending', q: 'tx_' })).toBe(1);
    expect(await total({ q: 'tx_' })).toBe(5);
  });

  it('downloads only the chosen status in the CSV, named after it', async () => {
    const appId = await createTestApp(t, m);
    const rows = await insert(appId, [
      { status: 'success' },
      { status: 'failed' },
      { status: 'success' },
      { status: 'initiated' }
    ]);
    const res = await call(t, 'GET', `/api/apps/${appId}/transactions.csv?status=success`, {
      cookie: m.cookie
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="transactions-${appId}-success.csv"`
    );
    const records: string[][] = parse(await res.text());
    const body = records.slice(1);
    expect(body.map((r) => r[0])).toEqual(historyOrder(rows.filter((r) => r.status === 'success')));
    expect(body.every((r) => r.at(-1) === 'success')).toBe(true);
  });

  it('stops counting a search without dates at the cap, and says so', async () => {
    const appId = await createTestApp(t, m);
    await insert(
      appId,
      Array.from({ length: HISTORY_COUNT_CAP + 1 }, () => ({}))
    );
    const q = (query: string) =>
      getJson<HistoryPage>(t, m, `/api/apps/${appId}/transactions?limit=1&${query}`);
    expect(await q('q=tx_')).toMatchObject({ total: HISTORY_COUNT_CAP, totalCapped: true });
    // Undated and unsearched, the rollups answer exactly, however many there are.
    expect(await q('')).toMatchObject({ total: HISTORY_COUNT_CAP + 1, totalCapped: false });
  });
});
