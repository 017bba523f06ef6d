import { overviewSchema, sandboxOutcome } from '@kspay/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClock } from '../src/demo/clock';
import { planPayments } from '../src/demo/plan';
import { DEMO_EMAIL, seedDemo, type DemoSeed } from '../src/demo/seed';
import { closeServer, type TestServer } from './helpers/payments';
import { call, verificationToken } from './helpers/security';
import { describeEachDialect, TEST_ORIGIN, testServer } from './helpers/services';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('demo plan', () => {
  const now = new Date('2026-03-15T09:30:00.000Z');

  it('is the same for the same seed, oldest first, inside the past 60 days, never ahead', () => {
    const plan = planPayments(500, 60, now, 7);
    expect(planPayments(500, 60, now, 7)).toEqual(plan);
    expect(planPayments(500, 60, now, 8)).not.toEqual(plan);
    const times = plan.map((p) => p.initiatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - 61 * DAY_MS);
    expect(Math.max(...times)).toBeLessThan(now.getTime());
    for (const p of plan) {
      if (p.processedAt) expect(p.processedAt.getTime()).toBeGreaterThan(p.initiatedAt.getTime());
    }
  });

  it('mixes outcomes, both apps and all three currencies', () => {
    const plan = planPayments(2000, 60, now, 2026);
    const outcomes = new Set(
      plan.map((p) => (p.processedAt ? sandboxOutcome(p.amountMinor) : 'initiated'))
    );
    expect([...outcomes].sort()).toEqual(['failed', 'initiated', 'pending', 'success']);
    expect(new Set(plan.map((p) => p.app))).toEqual(new Set([0, 1]));
    expect(new Set(plan.map((p) => p.currency))).toEqual(new Set(['INR', 'USD', 'EUR']));
    const days = new Set(plan.map((p) => p.initiatedAt.toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThan(55);
  });
});

describeEachDialect('demo seed through the real APIs', (dialect) => {
  let t: TestServer;
  let seeded: DemoSeed;
  const clock = new DemoClock();
  beforeAll(async () => {
    t = await testServer(dialect, { clock });
    seeded = await seedDemo((p, init) => t.app.request(p, init), clock, {
      transactions: 80,
      days: 60,
      seed: 11,
      origin: TEST_ORIGIN,
      verificationToken: (email) => verificationToken(t, email) ?? ''
    });
  });
  afterAll(() => closeServer(t));

  it('leaves the clock on real time', () => {
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('makes every payment with the apps’ own keys, backdated by the clock over 60 days', async () => {
    const { db } = t.services.db;
    const rows = await db
      .selectFrom('transactions')
      .innerJoin('api_keys', 'api_keys.id', 'transactions.key_id')
      .select([
        'transactions.app_id',
        'api_keys.app_id as key_app',
        'transactions.created_at',
        'transactions.reference_number'
      ])
      .execute();
    expect(rows).toHaveLength(80);
    expect(rows.every((r) => r.app_id === r.key_app)).toBe(true);
    expect(rows.every((r) => r.reference_number.startsWith('demo-11-'))).toBe(true);
    expect(new Set(rows.map((r) => r.app_id))).toEqual(new Set(seeded.apps.map((a) => a.id)));
    const created = rows.map((r) => Date.parse(r.created_at));
    expect(Math.min(...created)).toBeLessThan(Date.now() - 40 * DAY_MS);
    expect(Math.max(...created)).toBeLessThanOrEqual(Date.now());
  });

  it('lets the merchant sign in and see the payments on the overview', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: DEMO_EMAIL, password: seeded.password }
    });
    expect(res.status).toBe(200);
    const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    let total = 0;
    for (const app of seeded.apps) {
      const o = await call(t, 'GET', `/api/apps/${app.id}/overview?days=90`, { cookie });
      const overview = overviewSchema.parse(await o.json());
      expect(overview.period.count).toBe(overview.allTime.count);
      total += overview.allTime.count;
    }
    expect(total).toBe(80);
  });

  it('keeps the rollups equal to a recount', async () => {
    const { db } = t.services.db;
    const recount = await db
      .selectFrom('transactions')
      .select((eb) => [
        'status',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string>('amount_minor').as('v')
      ])
      .groupBy('status')
      .execute();
    const rolled = await db
      .selectFrom('transaction_daily')
      .select((eb) => [
        'status',
        eb.fn.sum<number | string>('count').as('n'),
        eb.fn.sum<number | string>('volume_minor').as('v')
      ])
      .groupBy('status')
      .having(sql<boolean>`sum(count) > 0`)
      .execute();
    const norm = (rows: { status: string; n: number | string; v: number | string }[]) =>
      rows.map((r) => [r.status, Number(r.n), Number(r.v)]).sort();
    expect(norm(rolled)).toEqual(norm(recount));
  });
});
