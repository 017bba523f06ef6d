import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventStore, FEED_SETTLE_MS, recordEvent } from '../src/store/events';
import {
  closeServer,
  expectKsError,
  initiate,
  payingApp,
  v1,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

interface Page {
  events: { id: string; type: string; createdAt: string; data: Record<string, unknown> }[];
  hasMore: boolean;
}

describeEachDialect('events feed: GET /v1/events', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  async function page(token: string, query: string): Promise<Page> {
    const res = await v1(t, 'GET', `/events${query}`, { token });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { result: Page }).result;
  }

  it('pages through events with tied times exactly once, in order', async () => {
    const { appId, token } = await payingApp(t);
    // 23 events in the same millisecond, written in random id order, plus 7 a moment later.
    const written: string[] = [];
    await t.services.db.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 23; i++) {
        written.push(await recordEvent(trx, t.clock, { appId, type: 'key.disabled', data: { i } }));
      }
    });
    t.clock.advance(1);
    for (let i = 0; i < 7; i++) {
      const { res } = await initiate(t, token, 1 + i);
      expect(res.status).toBe(201);
    }
    t.clock.advance(FEED_SETTLE_MS + 1);
    const seen: string[] = [];
    let after = '';
    for (let guard = 0; guard < 20; guard++) {
      const p = await page(token, `?limit=4${after}`);
      seen.push(...p.events.map((e) => e.id));
      if (!p.hasMore) break;
      after = `&after=${p.events.at(-1)?.id}`;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    // The tied ones come first, in id order; then the payments'.
    expect(seen.slice(0, 23)).toEqual([...written].sort());
    const all = await page(token, '?limit=100');
    expect(all.events.map((e) => e.id)).toEqual(seen);
    expect(all.events.slice(23).every((e) => e.type === 'transaction.created')).toBe(true);
  });

  it("never serves another app's events, and refuses an after it does not know", async () => {
    const a = await payingApp(t);
    const b = await payingApp(t);
    await initiate(t, a.token, 2);
    t.clock.advance(FEED_SETTLE_MS + 1);
    const mine = await page(a.token, '');
    expect(mine.events).toHaveLength(1);
    expect((await page(b.token, '')).events).toHaveLength(0);
    await expectKsError(
      await v1(t, 'GET', `/events?after=${mine.events[0]?.id}`, { token: b.token }),
      400,
      25
    );
    await expectKsError(await v1(t, 'GET', '/events?after=nope', { token: a.token }), 400, 25);
    await expectKsError(await v1(t, 'GET', '/events?limit=0', { token: a.token }), 400, 25);
    await expectKsError(await v1(t, 'GET', '/events'), 400, 9000);
  });

  it('keeps events 30 days: pruning drops older ones with their attempts', async () => {
    const { appId, token } = await payingApp(t);
    await initiate(t, token, 3);
    t.clock.advance(31 * 24 * 60 * 60 * 1000);
    const pruned = await eventStore(t.services.db, t.clock).prune();
    expect(pruned).toBeGreaterThan(0);
    const left = await t.services.db.db
      .selectFrom('events')
      .select('id')
      .where('app_id', '=', appId)
      .execute();
    expect(left).toHaveLength(0);
  });
});
