import { historyPageSchema, utcDay, type HistoryPage } from '@kspay/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  allPages,
  DAY_MS,
  getJson,
  historyOrder,
  insertTransactions,
  pay,
  type TxInsert,
  merchantAtNoon
} from './helpers/history';
import {
  closeServer,
  createTestApp,
  generateKeys,
  tokensFor,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect } from './helpers/services';

describeEachDialect('transaction history: keyset pages, search and range', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    ({ t, m } = await merchantAtNoon(dialect, 20));
  });
  afterAll(() => closeServer(t));

  const ids = (pages: HistoryPage[]) => pages.flatMap((p) => p.transactions.map((r) => r.id));

  it('shows payments made through the API in the Transactions columns', async () => {
    const appId = await createTestApp(t, m);
    const token = (await tokensFor(t, appId, await generateKeys(t, m, appId))).accessToken;
    const id = await pay(t, token, 'USD', 12.85);
    const page = historyPageSchema.parse(
      await getJson<HistoryPage>(t, m, `/api/apps/${appId}/transactions`)
    );
    const at = t.clock.now().toISOString();
    expect(page).toEqual({
      transactions: [
        {
          id,
          referenceNumber: expect.stringMatching(/^ref_/) as unknown,
          providerOrderId: expect.stringMatching(/^order_/) as unknown,
          currencyId: 'c_2xqOlqufc3',
          paymentMethodId: 'pm_67NoP7JaQ',
          redirectUrl: null,
          createdAt: at,
          updatedAt: at,
          paymentMode: 'CREDIT CARD',
          gateway: 'KS Pay Sandbox',
          currency: 'USD',
          amount: '12.85',
          amountMinor: 1285,
          status: 'failed'
        }
      ],
      nextCursor: null,
      total: 1,
      totalCapped: false,
      asOf: at
    });
  });

  it('returns every row exactly once across pages, also when many share a created_at', async () => {
    const base = t.clock.now().getTime();
    await fc.assert(
      fc.asyncProperty(
        // Rows fall on a handful of instants, so ties on created_at are the rule here.
        fc.array(fc.nat(4), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (slots, limit) => {
          const appId = await createTestApp(t, m);
          const rows = await insertTransactions(
            t,
            appId,
            slots.map((s) => ({ created_at: new Date(base - s * 1000).toISOString() }))
          );
          const pages = await allPages(t, m, appId, { limit: String(limit) });
          expect(ids(pages)).toEqual(historyOrder(rows));
          expect(pages.every((p) => p.transactions.length <= limit)).toBe(true);
          expect(pages.slice(0, -1).every((p) => p.transactions.length === limit)).toBe(true);
        }
      ),
      { seed: 424242, numRuns: 20 }
    );
  });

  it('keeps each app’s history to itself', async () => {
    const a = await createTestApp(t, m);
    const b = await createTestApp(t, m);
    const mine = await insertTransactions(t, a, [{}, {}]);
    await insertTransactions(t, b, [{}]);
    expect(ids(await allPages(t, m, a)).sort()).toEqual(mine.map((r) => r.id).sort());
  });

  it('finds a transaction by its whole id or by the beginning of it', async () => {
    const appId = await createTestApp(t, m);
    const rows = await insertTransactions(
      t,
      appId,
      Array.from({ length: 300 }, () => ({}))
    );
    const target = rows[137] as TxInsert;
    const search = async (q: string) => ids(await allPages(t, m, appId, { q, limit: '100' }));
    expect(await search(target.id)).toEqual([target.id]);
    // Prefixes of every case: byte order, whatever the database's collation.
    for (const q of [target.id.slice(0, 4), 'tx_a', 'tx_Z', 'tx_0', target.id.slice(0, 6)]) {
      const expected = historyOrder(rows.filter((r) => r.id.startsWith(q)));
      expect(await search(q), q).toEqual(expected);
    }
    expect(await search('tx_')).toHaveLength(300);
    expect(await search('nothing_like_this')).toEqual([]);
  });

  it('filters by UTC days, both ends inclusive', async () => {
    // The app must be older than the range (11008).
    t.clock.advance(-10 * DAY_MS);
    const appId = await createTestApp(t, m);
    t.clock.advance(10 * DAY_MS);
    const today = utcDay(t.clock.now());
    const day = (n: number) => utcDay(new Date(t.clock.now().getTime() + n * DAY_MS));
    const at = (d: string, time: string) => ({ created_at: `${d}T${time}Z` });
    const rows = await insertTransactions(t, appId, [
      at(day(-3), '23:59:59.999'),
      at(day(-2), '00:00:00.000'),
      at(day(-1), '12:00:00.000'),
      at(day(-1), '23:59:59.999'),
      at(today, '00:00:00.000')
    ]);
    const got = ids(await allPages(t, m, appId, { from: day(-2), to: day(-1) }));
    expect(got).toEqual(historyOrder(rows.slice(1, 4)));
    const searchIn = ids(
      await allPages(t, m, appId, { from: day(-2), to: day(-1), q: rows[2]?.id ?? '' })
    );
    expect(searchIn).toEqual([rows[2]?.id]);
  });

  it('reads the default page size as 50 and names the next page', async () => {
    const appId = await createTestApp(t, m);
    await insertTransactions(
      t,
      appId,
      Array.from({ length: 51 }, () => ({}))
    );
    const first = await getJson<HistoryPage>(t, m, `/api/apps/${appId}/transactions`);
    expect(first.transactions).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const rest = await allPages(t, m, appId, { limit: '50' });
    expect(ids(rest)).toHaveLength(51);
  });
});
