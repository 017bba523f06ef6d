import { addDays, HISTORY_CSV_COLUMNS, localIso, utcDay } from '@kspay/shared';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  allPages,
  DAY_MS,
  historyOrder,
  insertTransactions,
  merchantAtNoon
} from './helpers/history';
import { closeServer, createTestApp, type Merchant, type TestServer } from './helpers/payments';
import { call } from './helpers/security';
import { describeEachDialect } from './helpers/services';

describeEachDialect('transactions CSV: the filtered history, properly quoted', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    ({ t, m } = await merchantAtNoon(dialect));
  });
  afterAll(() => closeServer(t));

  /** A new app created 30 days before "now". */
  async function oldApp() {
    t.clock.advance(-30 * DAY_MS);
    const id = await createTestApp(t, m);
    t.clock.advance(30 * DAY_MS);
    return id;
  }

  async function download(appId: string, query: Record<string, string> = {}) {
    const res = await call(
      t,
      'GET',
      `/api/apps/${appId}/transactions.csv?${new URLSearchParams(query).toString()}`,
      { cookie: m.cookie }
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    const records: string[][] = parse(text, { relax_column_count: false });
    return { res, text, header: records[0], rows: records.slice(1) };
  }

  it('is an attachment named after the app and the range, as text/csv', async () => {
    const appId = await oldApp();
    const to = utcDay(t.clock.now());
    const from = addDays(to, -6);
    const { res, header, rows } = await download(appId, { from, to });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="transactions-${appId}-${from}-to-${to}.csv"`
    );
    expect(header).toEqual([...HISTORY_CSV_COLUMNS]);
    expect(rows).toEqual([]);
    const all = await download(appId);
    expect(all.res.headers.get('content-disposition')).toBe(
      `attachment; filename="transactions-${appId}.csv"`
    );
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', async () => {
    const appId = await oldApp();
    const awkward = [
      { payment_mode: 'CARD, "GOLD"\nPLUS', gateway: 'Line one\r\nLine two' },
      { payment_mode: '=HYPERLINK("http://evil.example")', gateway: '@SUM(A1)' },
      { payment_mode: 'plain', gateway: 'a "quoted" word' }
    ];
    const inserted = await insertTransactions(t, appId, awkward);
    const { text, rows } = await download(appId);
    expect(text).toContain('"CARD, ""GOLD""\nPLUS"');
    expect(text).toContain('"Line one\r\nLine two"');
    expect(text.split('\r\n')[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    const byId = new Map(rows.map((r) => [r[0], r]));
    for (const tx of inserted) {
      const formula = /^[=@]/;
      const cell = (v: string | undefined) => (formula.test(v ?? '') ? `'${v}` : v);
      expect(byId.get(tx.id)).toEqual([
        tx.id,
        localIso(tx.created_at, 'UTC'),
        localIso(tx.updated_at, 'UTC'),
        cell(tx.payment_mode),
        cell(tx.gateway),
        'INR',
        '10.00',
        'success'
      ]);
    }
  });

  it("gives times with the offset of the merchant's zone and cuts the range at its midnights", async () => {
    const appId = await oldApp();
    const today = utcDay(t.clock.now());
    // 18:29:59.999Z is still the 20th in Kolkata (+05:30); 18:30Z is the 21st.
    const [before, after] = await insertTransactions(t, appId, [
      { created_at: `${addDays(today, -2)}T18:29:59.999Z` },
      { created_at: `${addDays(today, -2)}T18:30:00.000Z` }
    ]);
    const zone = await call(t, 'PATCH', '/api/account', {
      cookie: m.cookie,
      body: { timeZone: 'Asia/Kolkata' }
    });
    expect(zone.status).toBe(200);
    try {
      const day = addDays(today, -1);
      const { rows } = await download(appId, { from: day, to: day });
      expect(rows.map((r) => r[0])).toEqual([after?.id]);
      expect(rows[0]?.[1]).toBe(`${day}T00:00:00+05:30`);
      const earlier = await download(appId, { from: addDays(day, -1), to: addDays(day, -1) });
      expect(earlier.rows.map((r) => r[0])).toEqual([before?.id]);
      expect(earlier.rows[0]?.[1]).toBe(`${addDays(day, -1)}T23:59:59+05:30`);
    } finally {
      await call(t, 'PATCH', '/api/account', { cookie: m.cookie, body: { timeZone: 'UTC' } });
    }
  });

  it('streams every matching row in the history’s order, beyond one chunk', async () => {
    const appId = await oldApp();
    const base = t.clock.now().getTime();
    const rows = await insertTransactions(
      t,
      appId,
      Array.from({ length: 2345 }, (_, i) => ({
        // Two rows per instant, spread over 20 days: ties and a range to cut.
        created_at: new Date(base - Math.floor(i / 2) * 12 * 60 * 1000).toISOString(),
        amount_minor: 100 + i
      }))
    );
    const full = await download(appId);
    expect(full.rows.map((r) => r[0])).toEqual(historyOrder(rows));
    expect(new Set(full.rows.map((r) => r[0])).size).toBe(2345);

    const today = utcDay(t.clock.now());
    const filter = { from: addDays(today, -6), to: addDays(today, -2) };
    const ranged = await download(appId, filter);
    const pages = await allPages(t, m, appId, { ...filter, limit: '100' });
    const expected = pages.flatMap((p) => p.transactions.map((r) => r.id));
    expect(expected.length).toBeGreaterThan(500);
    expect(ranged.rows.map((r) => r[0])).toEqual(expected);

    const prefix = rows[42]?.id.slice(0, 4) ?? '';
    const searched = await download(appId, { q: prefix });
    expect(searched.rows.map((r) => r[0])).toEqual(
      historyOrder(rows.filter((r) => r.id.startsWith(prefix)))
    );
  });
});
