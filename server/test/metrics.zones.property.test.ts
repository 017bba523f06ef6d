import { addDays, localDay } from '@kspay/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/lib/clock';
import { metricsStore } from '../src/store/metrics';
import { transactionStore } from '../src/store/transactions';
import {
  closeServer,
  createMerchant,
  createTestApp,
  generateKeys,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const ZONES = [
  'UTC',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/New_York',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns'
] as const;
/** "Now" right after a DST change in New York, so its 60 days hold a 23- and a 25-hour day. */
const NOWS = ['2026-03-09T03:07:00.000Z', '2026-11-02T16:52:00.000Z'];

/**
 * A payment at an instant the property chooses: within the 61 local days before "now", at
 * minute precision, often right on or next to a local midnight of one of the zones.
 */
const paymentArb = fc.record({
  minutesBack: fc.oneof(
    fc.integer({ min: 0, max: 61 * 24 * 60 }),
    // Near a quarter hour: where day boundaries of +05:30 / +05:45 / DST zones fall.
    fc.integer({ min: 0, max: 61 * 24 * 4 }).map((q) => q * 15)
  ),
  jitterMs: fc.constantFrom(0, 1, 59_999),
  currency: fc.constantFrom('INR', 'USD'),
  amountMinor: fc.integer({ min: 1, max: 1_000_000 }),
  outcome: fc.constantFrom('initiated', 'success', 'failed', 'pending')
});

type Payment = typeof paymentArb extends fc.Arbitrary<infer P> ? P : never;

describeEachDialect(
  'metrics: per-day figures in any time zone equal a recount in that zone',
  (dialect) => {
    let t: TestServer;
    let keyId: string;
    let appId: string;
    beforeAll(async () => {
      t = await testServer(dialect);
      const m = await createMerchant(t);
      appId = await createTestApp(t, m);
      keyId = (await generateKeys(t, m, appId)).keyId;
    });
    afterAll(() => closeServer(t));

    /** One payment at its instant (the store stamps created_at from its clock), then its outcome. */
    async function pay(now: number, p: Payment, referenceNumber: string) {
      const clock = new FakeClock(new Date(now - p.minutesBack * MINUTE - p.jitterMs));
      const s = transactionStore(t.services.db, clock);
      const { row } = await s.initiate({
        appId,
        keyId,
        referenceNumber,
        currencyId: `c_${p.currency}`,
        currencyCode: p.currency,
        paymentMethodId: 'pm_test',
        paymentMode: 'UPI',
        gateway: 'KS Pay Sandbox',
        amountMinor: p.amountMinor,
        redirectUrl: null
      });
      if (p.outcome !== 'initiated') await s.settle(appId, row.id, p.outcome);
    }

    it('series, today, both periods and yesterday-so-far, for every zone', async () => {
      const metrics = metricsStore(t.services.db, t.services.clock);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...NOWS),
          fc.array(paymentArb, { minLength: 1, maxLength: 25 }),
          async (nowIso, payments) => {
            run++;
            const now = Date.parse(nowIso);
            let made = 0;
            for (const [i, p] of payments.entries()) {
              await pay(now, p, `z${dialect}-${run}-${i}`);
              made += 1;
            }
            const all = await t.services.db.db
              .selectFrom('transactions')
              .select(['created_at', 'currency_code', 'amount_minor', 'status'])
              .where('app_id', '=', appId)
              .execute();
            for (const zone of ZONES) {
              const o = await metrics.overview(appId, 30, zone, new Date(now));
              const count = (from: string, to: string) =>
                all.filter((r) => {
                  const d = localDay(r.created_at, zone);
                  return d >= from && d <= to;
                }).length;
              // Every day of the chart, recounted from the transactions in this zone.
              for (const point of o.series) {
                expect([zone, point.day, point.count]).toEqual([
                  zone,
                  point.day,
                  count(point.day, point.day)
                ]);
                const inr = all
                  .filter(
                    (r) =>
                      localDay(r.created_at, zone) === point.day &&
                      r.status === 'success' &&
                      r.currency_code === 'INR'
                  )
                  .reduce((sum, r) => sum + r.amount_minor, 0);
                expect(point.volumeMinor.INR ?? 0).toBe(inr);
              }
              expect(o.today.day).toBe(localDay(now, zone));
              expect(o.today.count).toBe(count(o.today.day, o.today.day));
              expect(o.period.count).toBe(count(o.period.from, o.period.to));
              expect(o.previousPeriod.count).toBe(
                count(o.previousPeriod.from, o.previousPeriod.to)
              );
              expect(o.previousPeriod.to).toBe(addDays(o.period.from, -1));
              // Yesterday so far: yesterday's transactions before `until`.
              const until = Date.parse(o.yesterdaySoFar.until);
              expect(o.yesterdaySoFar.count).toBe(
                all.filter(
                  (r) =>
                    localDay(r.created_at, zone) === o.yesterdaySoFar.day &&
                    Date.parse(r.created_at) < until
                ).length
              );
              expect(until - (now - DAY)).toBeLessThan(2 * 60 * MINUTE);
            }
            expect(made).toBe(payments.length);
          }
        ),
        { seed: 20261207, numRuns: 12 }
      );
    });

    it('the local days kept per zone equal a recount after payments that race the filling', async () => {
      const metrics = metricsStore(t.services.db, t.services.clock);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...NOWS),
          fc.array(
            fc.record({
              payment: paymentArb,
              zone: fc.constantFrom(...ZONES),
              days: fc.integer({ min: 1, max: 45 })
            }),
            { minLength: 1, maxLength: 12 }
          ),
          async (nowIso, steps) => {
            run++;
            const now = Date.parse(nowIso);
            // Each payment runs beside an overview that may register its zone or reach further
            // back: the writer and the filler must not lose one another's changes.
            await Promise.all(
              steps.map(({ payment: p, zone, days }, i) =>
                Promise.all([
                  pay(now, p, `k${dialect}-${run}-${i}`),
                  metrics.overview(appId, days, zone, new Date(now))
                ])
              )
            );
            const db = t.services.db.db;
            const all = await db
              .selectFrom('transactions')
              .select(['created_at', 'currency_code', 'amount_minor', 'status'])
              .where('app_id', '=', appId)
              .execute();
            const zones = await db
              .selectFrom('transaction_zone')
              .select(['time_zone', 'from_day'])
              .where('app_id', '=', appId)
              .execute();
            expect(zones.length).toBeGreaterThan(0);
            for (const { time_zone: zone, from_day: fromDay } of zones) {
              const recount = new Map<string, [number, number]>();
              for (const r of all) {
                const day = localDay(r.created_at, zone);
                if (day < fromDay) continue;
                const key = `${day} ${r.currency_code} ${r.status}`;
                const [n, v] = recount.get(key) ?? [0, 0];
                recount.set(key, [n + 1, v + r.amount_minor]);
              }
              const kept = await db
                .selectFrom('transaction_local_day')
                .select(['day', 'currency', 'status', 'count', 'volume_minor'])
                .where('app_id', '=', appId)
                .where('time_zone', '=', zone)
                .execute();
              expect(kept.every((k) => k.day >= fromDay)).toBe(true);
              const keptMap = new Map(
                kept
                  .filter((k) => Number(k.count) !== 0)
                  .map((k) => [
                    `${k.day} ${k.currency} ${k.status}`,
                    [Number(k.count), Number(k.volume_minor)]
                  ])
              );
              expect([zone, Object.fromEntries(keptMap)]).toEqual([
                zone,
                Object.fromEntries(recount)
              ]);
            }
          }
        ),
        { seed: 20261208, numRuns: 12 }
      );
    });
  }
);
