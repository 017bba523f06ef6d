import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { transactionStore } from '../src/store/transactions';
import {
  closeServer,
  createMerchant,
  createTestApp,
  generateKeys,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const HOUR = 60 * 60 * 1000;
const CURRENCIES = ['INR', 'USD', 'EUR'] as const;
const OUTCOMES = ['success', 'failed', 'pending'] as const;

/** One step: initiate (refs drawn from a small pool, so retries happen), or settle one. */
const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('initiate' as const),
    app: fc.nat(1),
    currency: fc.constantFrom(...CURRENCIES),
    amountMinor: fc.integer({ min: 1, max: 1_000_000_000 }),
    ref: fc.nat(40),
    advanceMs: fc.integer({ min: 0, max: 30 * HOUR })
  }),
  fc.record({
    kind: fc.constant('settle' as const),
    pick: fc.nat(),
    outcome: fc.constantFrom(...OUTCOMES)
  })
);

/** Steps run in batches; a batch runs concurrently (real interleavings on PostgreSQL). */
const planArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 12
});

describeEachDialect('metrics: rollups equal a recount of transactions', (dialect) => {
  let t: TestServer;
  let apps: { id: string; keyId: string }[];
  beforeAll(async () => {
    t = await testServer(dialect);
    const m = await createMerchant(t);
    apps = [];
    for (let i = 0; i < 2; i++) {
      const id = await createTestApp(t, m);
      apps.push({ id, keyId: (await generateKeys(t, m, id)).keyId });
    }
  });
  afterAll(() => closeServer(t));

  /** Non-empty rollup cells and the same cells recounted from `transactions`. */
  async function bothSides() {
    const { db } = t.services.db;
    const appIds = apps.map((a) => a.id);
    const rolled = await db
      .selectFrom('transaction_daily')
      .select(['app_id', 'day', 'currency', 'status', 'count', 'volume_minor'])
      .where('app_id', 'in', appIds)
      .execute();
    const counted = await db
      .selectFrom('transactions')
      .select((eb) => [
        'app_id',
        sql<string>`substr(created_at, 1, 10)`.as('day'),
        'currency_code as currency',
        'status',
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.sum<number | string>('amount_minor').as('volume_minor')
      ])
      .where('app_id', 'in', appIds)
      .groupBy(['app_id', sql`substr(created_at, 1, 10)`, 'currency_code', 'status'])
      .execute();
    const norm = (rows: typeof rolled) =>
      rows
        .map((r) => ({ ...r, count: Number(r.count), volume_minor: Number(r.volume_minor) }))
        .filter((r) => r.count !== 0 || r.volume_minor !== 0)
        .map((r) =>
          JSON.stringify([r.app_id, r.day, r.currency, r.status, r.count, r.volume_minor])
        )
        .sort();
    return { rolled: norm(rolled), counted: norm(counted) };
  }

  it('after any sequence of initiations, retries and (concurrent) status changes', async () => {
    const store = transactionStore(t.services.db, t.services.clock);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        run++;
        const made: { appId: string; id: string }[] = [];
        for (const batch of plan) {
          await Promise.all(
            batch.map(async (op) => {
              if (op.kind === 'initiate') {
                t.clock.advance(op.advanceMs);
                const app = apps[op.app] ?? apps[0]!;
                const { row, created } = await store.initiate({
                  appId: app.id,
                  keyId: app.keyId,
                  referenceNumber: `run${run}-ref${op.ref}`,
                  currencyId: `c_${op.currency}`,
                  currencyCode: op.currency,
                  paymentMethodId: 'pm_test',
                  paymentMode: 'UPI',
                  gateway: 'KS Pay Sandbox',
                  amountMinor: op.amountMinor,
                  redirectUrl: null
                });
                if (created) made.push({ appId: app.id, id: row.id });
              } else if (made.length > 0) {
                const target = made[op.pick % made.length]!;
                await store.settle(target.appId, target.id, op.outcome);
              }
            })
          );
        }
        const { rolled, counted } = await bothSides();
        expect(rolled).toEqual(counted);
      }),
      { seed: 20260105, numRuns: 25 }
    );
    // The property held over something: transactions of several days, statuses and currencies.
    const { counted } = await bothSides();
    const days = new Set(counted.map((c) => (JSON.parse(c) as string[])[1]));
    const statuses = new Set(counted.map((c) => (JSON.parse(c) as string[])[3]));
    expect(days.size).toBeGreaterThan(5);
    expect(statuses.size).toBe(4);
  });
});
