import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUserDb, type KspayDb } from '../db/database';
import { SyncEngine } from './engine';
import type { LockManagerLike } from './leader';
import { createApp } from './mutations';
import { SyncStatus } from './status.svelte';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';
import type { FetchLike } from './transport';
import { observe } from '../observe';

/** Web Locks as a browser grants them: one holder per name, the others queue in order. */
class FakeLocks implements LockManagerLike {
  #tail = new Map<string, Promise<unknown>>();
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    const run = (this.#tail.get(name) ?? Promise.resolve()).then(() => callback({ name }));
    this.#tail.set(
      name,
      run.catch(() => undefined)
    );
    return run;
  }
}

const until = async (what: () => Promise<boolean> | boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let server: RealServer;
const stops: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  server = await realServer();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await server.close();
});

function counting(): { calls: string[]; fetch: FetchLike } {
  const calls: string[] = [];
  return { calls, fetch: (input, init) => (calls.push(input), server.fetch(input, init)) };
}

async function tab(deps: ReturnType<typeof freshBrowser>, locks: LockManagerLike) {
  const db: KspayDb = await openUserDb(server.merchantId, server.businessId, deps);
  const net = counting();
  const engine = new SyncEngine(db, { fetch: net.fetch, locks, broadcast: true });
  await engine.start();
  const status = new SyncStatus(db, engine);
  stops.push(
    () => db.close(),
    () => engine.stop(),
    () => status.destroy()
  );
  return { db, engine, net, status };
}

describe('two tabs of one browser', () => {
  it('stay in step while only the leading tab talks to the server', async () => {
    const browser = freshBrowser();
    const locks = new FakeLocks();
    const a = await tab(browser, locks);
    await until(() => a.engine.state.leader);
    const b = await tab(browser, locks);
    expect(b.engine.state.leader).toBe(false);

    // B's view is live: it sees its own write at once, then the synced row.
    const seen: boolean[] = [];
    stops.push(
      observe(
        () => b.db.apps.toArray(),
        (rows) => {
          if (rows[0]) seen.push(rows[0].pending);
        }
      )
    );

    await createApp(b.db, appInput(), null);
    await until(async () => (await b.db.outbox.count()) === 0);
    await until(() => seen.at(-1) === false);
    expect(seen[0]).toBe(true);
    expect(b.net.calls).toEqual([]);
    expect(a.net.calls).toContain('/api/sync/push');
    await until(() => b.status.pending === 0 && b.status.lastSyncAt !== null);
    // The leader's phase reaches this tab over the channel.
    await until(() => b.status.phase === 'idle');

    // Closing the leading tab hands the lock, and the syncing, to the other.
    await a.engine.stop();
    await until(() => b.engine.state.leader);
    await createApp(b.db, appInput({ name: 'Second app' }), null);
    await until(async () => (await b.db.outbox.count()) === 0);
    expect(b.net.calls).toContain('/api/sync/push');
  });

  it('shows the signed-out pause in every tab and resumes from any of them', async () => {
    const browser = freshBrowser();
    const locks = new FakeLocks();
    const a = await tab(browser, locks);
    await until(() => a.engine.state.leader);
    const b = await tab(browser, locks);
    await server.signOut();
    await createApp(b.db, appInput(), null);
    await until(() => b.status.signedOut);
    expect(b.status.pending).toBe(1);

    await server.signIn();
    b.engine.resume();
    await until(async () => (await b.db.outbox.count()) === 0);
    await until(() => !b.status.signedOut);
    expect(b.net.calls).toEqual([]);
  });
});
