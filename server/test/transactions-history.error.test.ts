import { addDays, checkDateRange, dateRangeHints, utcDay, type DateRangeRule } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, freshSession, toNoon } from './helpers/history';
import {
  closeServer,
  createMerchant,
  createTestApp,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { call, expectError } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/** The app was created 100 days ago; `d(n)` is today + n days. */
interface RangeCase {
  name: string;
  rule: DateRangeRule;
  ksCode: number;
  field: 'from' | 'to';
  query: (d: (n: number) => string) => Record<string, string>;
}

const CASES: RangeCase[] = [
  {
    name: 'from without to',
    rule: 'startAndEndDateRequired',
    ksCode: 11010,
    field: 'to',
    query: (d) => ({ from: d(-5) })
  },
  {
    name: 'to without from',
    rule: 'startAndEndDateRequired',
    ksCode: 11010,
    field: 'from',
    query: (d) => ({ to: d(-5) })
  },
  {
    name: 'from after to',
    rule: 'dateRangeError',
    ksCode: 11007,
    field: 'from',
    query: (d) => ({ from: d(-4), to: d(-5) })
  },
  {
    name: 'from after today',
    rule: 'startDateAfterToday',
    ksCode: 11009,
    field: 'from',
    query: (d) => ({ from: d(1), to: d(2) })
  },
  {
    name: 'to after today',
    rule: 'endDateAfterToday',
    ksCode: 11011,
    field: 'to',
    query: (d) => ({ from: d(-1), to: d(1) })
  },
  {
    name: 'more than 90 days',
    rule: 'datesExceedError',
    ksCode: 11006,
    field: 'to',
    query: (d) => ({ from: d(-91), to: d(0) })
  },
  {
    name: 'from before the app was created',
    rule: 'startDateBeforeAppCreation',
    ksCode: 11008,
    field: 'from',
    query: (d) => ({ from: d(-101), to: d(-20) })
  }
];

describeEachDialect('transaction history: KS Pay date-range rules', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  let today: string;
  const d = (n: number) => addDays(today, n);
  beforeAll(async () => {
    t = await testServer(dialect);
    toNoon(t.clock);
    t.clock.advance(-100 * DAY_MS);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
    t.clock.advance(100 * DAY_MS);
    m = await freshSession(t, m);
    today = utcDay(t.clock.now());
  });
  afterAll(() => closeServer(t));

  const get = (path: string, query: Record<string, string>) =>
    call(t, 'GET', `/api/apps/${appId}/${path}?${new URLSearchParams(query).toString()}`, {
      cookie: m.cookie
    });

  for (const path of ['transactions', 'transactions.csv']) {
    describe(`GET …/${path}`, () => {
      for (const c of CASES) {
        it(`${c.name}: ${c.ksCode}`, async () => {
          const body = await expectError(await get(path, c.query(d)), 400, 'invalid_date_range');
          // Plain words that say the fix; KS Pay's own message stays with the `/v1` API.
          const message = dateRangeHints[c.rule];
          expect(body?.error).toEqual({
            code: 'invalid_date_range',
            message,
            ksCode: c.ksCode,
            fields: { [c.field]: message }
          });
          // The web picker runs the same function on the same input and must agree.
          const app = { appCreatedAt: addDays(today, -100), now: t.clock.now() };
          expect(checkDateRange(c.query(d), app)).toMatchObject({
            ksCode: c.ksCode,
            field: c.field
          });
        });
      }

      it('accepts the edges: exactly 90 days, from = creation day, to = today', async () => {
        const queries: Record<string, string>[] = [
          { from: d(-90), to: d(0) },
          { from: d(-100), to: d(-11) },
          { from: d(0), to: d(0) },
          {}
        ];
        for (const query of queries) {
          const res = await get(path, query);
          expect(res.status, JSON.stringify(query)).toBe(200);
          await res.arrayBuffer();
        }
      });

      it('refuses a status that is not one of the four, naming the field', async () => {
        for (const bad of ['done', 'SUCCESS', 'success,failed']) {
          const body = await expectError(
            await get(path, { status: bad }),
            400,
            'validation_failed'
          );
          expect(body?.error.fields).toEqual({
            status: 'Choose Success, Failed, Pending or Initiated'
          });
        }
      });

      it('answers validation_failed for a date that is not one', async () => {
        for (const bad of ['2026-02-30', '2026/01/01', 'yesterday']) {
          const body = await expectError(
            await get(path, { from: bad, to: d(0) }),
            400,
            'validation_failed'
          );
          expect(Object.keys(body?.error.fields ?? {})).toEqual(['from']);
        }
      });
    });
  }

  it('refuses a cursor or limit it did not make', async () => {
    for (const [query, field] of [
      [{ cursor: 'garbage' }, 'cursor'],
      [{ cursor: '2026-01-01T00:00:00.000Z~tx_a;drop' }, 'cursor'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ q: 'tx_%' }, 'q'],
      [{ q: 'x'.repeat(33) }, 'q'],
      [{ state: 'success' }, '_']
    ] as const) {
      const body = await expectError(await get('transactions', query), 400, 'validation_failed');
      expect(Object.keys(body?.error.fields ?? {}), JSON.stringify(query)).toEqual([field]);
    }
  });
});
