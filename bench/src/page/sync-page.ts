/**
 * Runs in Chromium, served by the bench server on the API's own origin (the session cookie
 * goes along as in the app). It uses the app's real modules: the per-user Dexie database,
 * the sync engine, the local-write functions. Times are taken in the page.
 */
import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { KspayDb } from '@kspay/web/lib/device/db/database';
import { newClientId } from '@kspay/shared/ids';
import { SyncEngine } from '@kspay/web/lib/device/sync/engine';
import { createApp } from '@kspay/web/lib/device/sync/mutations';
import { pushOutbox } from '@kspay/web/lib/device/sync/protocol';

/** The merchant's business, which the runner names in the page's address (`?business=`). */
const BUSINESS = new URLSearchParams(location.search).get('business') ?? '';

async function open(name: string): Promise<KspayDb> {
  const db = new KspayDb(name, BUSINESS);
  await db.open();
  return db;
}

/** A first sync of an empty database through the engine, as after signing in on a new device. */
async function enginePull(name: string): Promise<{ ms: number; db: KspayDb }> {
  const db = await open(name);
  const engine = new SyncEngine(db, { locks: null, broadcast: false, windowEvents: false });
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let began = false;
    engine.subscribe((s) => {
      if (s.phase === 'syncing') began = true;
      else if (began && s.phase === 'idle') resolve();
      else if (began) reject(new Error(`sync ended in ${s.phase}: ${s.lastError ?? ''}`));
    });
    void engine.start();
  });
  const ms = performance.now() - t0;
  await engine.stop();
  return { ms, db };
}

/** The same pull pages fetched and parsed with nothing stored: the network and server share. */
async function httpOnly(clientId: string): Promise<number> {
  const t0 = performance.now();
  let cursor = 0;
  for (;;) {
    const res = await fetch('/api/sync/pull', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        businessId: BUSINESS,
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor,
        rejectionsAfter: 0
      })
    });
    const page = (await res.json()) as { cursor: number; hasMore: boolean };
    cursor = page.cursor;
    if (!page.hasMore) return performance.now() - t0;
  }
}

export const kspayBench = {
  /** Engine pull into a fresh database, then a bare bulkPut of the rows it stored. */
  async pull(run: string, expected: number) {
    const { ms: engineMs, db } = await enginePull(`${run}-engine`);
    const rows = await db.apps.toArray();
    if (rows.length !== expected) throw new Error(`pulled ${rows.length} of ${expected} apps`);
    db.close();
    const bare = await open(`${run}-bare`);
    const t0 = performance.now();
    await bare.apps.bulkPut(rows);
    const bareMs = performance.now() - t0;
    if ((await bare.apps.count()) !== expected) throw new Error('bulkPut stored too few rows');
    bare.close();
    const httpMs = await httpOnly(newClientId());
    return { engineMs, bareMs, httpMs };
  },

  /** Queues `count` app registrations offline (not timed), then times pushing the outbox. */
  async push(run: string, count: number) {
    const db = await open(`${run}-push`);
    for (let i = 1; i <= count; i++) {
      await createApp(
        db,
        {
          name: `Queued ${run} ${i}`,
          email: 'owner@shop.example',
          address: '12 MG Road',
          phone: '+91 98765 43210',
          country: 'IN',
          state: 'IN-MH',
          city: 'Mumbai',
          postalCode: '400001'
        },
        null
      );
    }
    const t0 = performance.now();
    const sent = await pushOutbox(db, (input, init) => fetch(input, init));
    const ms = performance.now() - t0;
    const refused = await db.apps.filter((a) => a.syncError != null).count();
    db.close();
    if (sent !== count || refused > 0) {
      throw new Error(`pushed ${sent} of ${count} mutations, ${refused} refused`);
    }
    return { ms };
  }
};

(globalThis as unknown as { kspayBench: typeof kspayBench }).kspayBench = kspayBench;
