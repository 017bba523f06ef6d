import { addDays, overviewSchema, utcDay, type Overview } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, freshSession, getJson, pay, toNoon } from './helpers/history';
import {
  closeServer,
  createMerchant,
  createTestApp,
  generateKeys,
  tokensFor,
  type KeyPair,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { expectError } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const zero = { initiated: 0, success: 0, failed: 0, pending: 0 };

describeEachDialect('metrics: the App Overview from real payments', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  let emptyAppId: string;
  let today: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    toNoon(t.clock);
    today = utcDay(t.clock.now());
    t.clock.advance(-40 * DAY_MS);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
    emptyAppId = await createTestApp(t, m);
    const pair: KeyPair = await generateKeys(t, m, appId);
    const token = async () => (await tokensFor(t, appId, pair)).accessToken;

    // 35 days ago: the previous 30-day period.
    t.clock.advance(5 * DAY_MS);
    let tk = await token();
    await pay(t, tk, 'INR', 10.0); // success
    await pay(t, tk, 'INR', 20.85); // failed
    // 3 days ago.
    t.clock.advance(32 * DAY_MS);
    tk = await token();
    await pay(t, tk, 'USD', 5.5); // success
    await pay(t, tk, 'INR', 7.95); // pending
    await pay(t, tk, 'INR', 1.0, { process: false }); // initiated, never processed
    // Yesterday 23:55, processed today 00:05: it stays on the day it was created.
    t.clock.advance(2 * DAY_MS + 11 * HOUR + 55 * MINUTE);
    tk = await token();
    await pay(t, tk, 'INR', 9.0, { between: () => t.clock.advance(10 * MINUTE) });
    // Today, noon.
    t.clock.advance(11 * HOUR + 55 * MINUTE);
    expect(utcDay(t.clock.now())).toBe(today);
    tk = await token();
    await pay(t, tk, 'INR', 100.25); // success
    await pay(t, tk, 'USD', 3.99); // pending
    m = await freshSession(t, m);
  });
  afterAll(() => closeServer(t));

  const overview = async (id: string, query = '') =>
    overviewSchema.parse(await getJson<Overview>(t, m, `/api/apps/${id}/overview${query}`));

  it('counts all time, today, by status and volume by currency', async () => {
    const o = await overview(appId);
    expect(o.asOf).toBe(t.clock.now().toISOString());
    expect(o.allTime).toEqual({
      count: 8,
      byStatus: { initiated: 1, success: 4, failed: 1, pending: 2 },
      successRate: 0.5,
      volume: [
        { currency: 'INR', amountMinor: 11925, amount: '119.25', count: 3 },
        { currency: 'USD', amountMinor: 550, amount: '5.50', count: 1 }
      ]
    });
    expect(o.today).toEqual({
      day: today,
      count: 2,
      byStatus: { ...zero, success: 1, pending: 1 },
      successRate: 0.5,
      volume: [{ currency: 'INR', amountMinor: 10025, amount: '100.25', count: 1 }]
    });
    expect(o.currencies).toEqual(['INR', 'USD']);
  });

  it('compares the last 30 days with the 30 before', async () => {
    const o = await overview(appId);
    expect(o.period).toMatchObject({
      from: addDays(today, -29),
      to: today,
      count: 6,
      byStatus: { initiated: 1, success: 3, failed: 0, pending: 2 },
      successRate: 0.5
    });
    expect(o.previousPeriod).toEqual({
      from: addDays(today, -59),
      to: addDays(today, -30),
      count: 2,
      byStatus: { ...zero, success: 1, failed: 1 },
      successRate: 0.5,
      volume: [{ currency: 'INR', amountMinor: 1000, amount: '10.00', count: 1 }]
    });
  });

  it('draws a zero-filled series of the last 30 days, oldest first', async () => {
    const o = await overview(appId);
    expect(o.series.map((p) => p.day)).toEqual(
      Array.from({ length: 30 }, (_, i) => addDays(today, i - 29))
    );
    const busy = o.series.filter((p) => p.count > 0);
    expect(busy).toEqual([
      {
        day: addDays(today, -3),
        count: 3,
        byStatus: { initiated: 1, success: 1, failed: 0, pending: 1 },
        volumeMinor: { USD: 550 }
      },
      {
        day: addDays(today, -1),
        count: 1,
        byStatus: { ...zero, success: 1 },
        volumeMinor: { INR: 900 }
      },
      {
        day: today,
        count: 2,
        byStatus: { ...zero, success: 1, pending: 1 },
        volumeMinor: { INR: 10025 }
      }
    ]);
    expect(
      o.series.filter((p) => p.count === 0).every((p) => Object.keys(p.volumeMinor).length === 0)
    ).toBe(true);
  });

  it('answers zeros for an app without transactions', async () => {
    const o = await overview(emptyAppId);
    const none = { count: 0, byStatus: zero, successRate: null, volume: [] };
    expect(o.allTime).toEqual(none);
    expect(o.today).toEqual({ day: today, ...none });
    expect(o.period).toMatchObject(none);
    expect(o.previousPeriod).toMatchObject(none);
    expect(o.series).toHaveLength(30);
    expect(o.series.every((p) => p.count === 0)).toBe(true);
    expect(o.currencies).toEqual([]);
  });

  it('takes the period length from ?days=', async () => {
    const o = await overview(appId, '?days=3');
    expect(o.series.map((p) => p.day)).toEqual([addDays(today, -2), addDays(today, -1), today]);
    expect(o.period.count).toBe(3);
    // The previous 3 days hold the three transactions of 3 days ago.
    expect(o.previousPeriod).toMatchObject({
      from: addDays(today, -5),
      to: addDays(today, -3),
      count: 3
    });
  });

  describe('refuses a bad period length and changes nothing', () => {
    for (const days of ['0', '91', 'abc', '2.5']) {
      it(`days=${days}`, async () => {
        const res = await t.app.request(`/api/apps/${appId}/overview?days=${days}`, {
          headers: { cookie: m.cookie }
        });
        const body = await expectError(res, 400, 'validation_failed');
        expect(Object.keys(body?.error.fields ?? {})).toEqual(['days']);
      });
    }
  });
});
