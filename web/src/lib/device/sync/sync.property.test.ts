import { appFieldsSchema } from '@kspay/shared/apps';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openUserDb, readMeta, type KspayDb } from '../db/database';
import { LocalWriteError } from './errors';
import { createApp, setAppStatus, updateApp } from './mutations';
import { pullChanges, pushOutbox, syncOnce } from './protocol';
import { faultyTransport, ServerLog, type Fault } from './testing/chaos';
import { appInput, pngBlob } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';
import { fieldKeys } from './rebase';

/**
 * THE sync property (see engine.ts): two or three browsers of one merchant, the real server
 * in-process, random local writes interleaved with pushes, pulls and full syncs whose requests
 * are dropped, whose answers are lost after the server applied them, or which are delivered
 * twice at once; and server restarts. After a quiet final sync, nothing is lost, nothing is
 * duplicated and every browser's replica equals the server.
 */
const RUNS = process.env.CI === 'true' ? 200 : 40;
const NAMES = ['Tea Stall', 'tea stall', 'Corner Shop', 'Book Nook', 'Fresh Mart', 'Zed Cafe'];
const CITIES = ['Mumbai', 'Pune', 'Nagpur'];
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const faults = fc.array(
  fc.constantFrom<Fault>('none', 'none', 'drop-request', 'drop-response', 'duplicate'),
  { maxLength: 3 }
);
const who = fc.nat(2);
const action = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('create' as const),
      c: who,
      name: fc.nat(5),
      logo: fc.boolean()
    })
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('update' as const),
      c: who,
      pick: fc.nat(20),
      name: fc.nat(5),
      city: fc.nat(2),
      logo: fc.constantFrom('keep', 'set', 'remove')
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('status' as const),
      c: who,
      pick: fc.nat(20),
      on: fc.boolean()
    })
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('push' as const), c: who, faults }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('pull' as const), c: who, faults }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('sync' as const), c: who, faults }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) }
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/** What each client's merchant asked for, by mutation id. */
type Intent =
  | { name: 'app.create'; id: string; fields: ReturnType<typeof appInput>; logo: boolean }
  | { name: 'app.update'; id: string; fields: ReturnType<typeof appInput>; logo?: boolean }
  | { name: 'app.setStatus'; id: string; status: 'active' | 'disabled' };

interface Client {
  db: KspayDb;
  net: ReturnType<typeof faultyTransport>;
  intents: Map<number, Intent>;
}

async function localWrite(cl: Client, a: Action): Promise<void> {
  const rows = (await cl.db.apps.toArray()).sort(byId);
  let intent: Intent;
  try {
    if (a.t === 'create') {
      const fields = appInput({ name: NAMES[a.name]! });
      const row = await createApp(cl.db, fields, a.logo ? pngBlob(120, a.name) : null);
      intent = { name: 'app.create', id: row.id, fields, logo: a.logo };
    } else if (a.t === 'update') {
      const row = rows[a.pick % Math.max(rows.length, 1)];
      if (!row) return;
      const fields = appInput({ name: NAMES[a.name]!, city: CITIES[a.city]! });
      const logo = a.logo === 'keep' ? undefined : a.logo === 'set' ? pngBlob(90, a.city) : null;
      const before = (await readMeta(cl.db)).lastMutationId;
      await updateApp(cl.db, row.id, fields, logo);
      const entry = await cl.db.outbox.get(before + 1);
      // On an app the server refused to create, an edit is its resubmission (a create).
      intent =
        entry?.name === 'app.create'
          ? {
              name: 'app.create',
              id: row.id,
              fields,
              logo: logo ? true : logo === null ? false : !!row.localLogo
            }
          : {
              name: 'app.update',
              id: row.id,
              fields,
              ...(logo === undefined ? {} : { logo: logo !== null })
            };
    } else if (a.t === 'status') {
      const row = rows[a.pick % Math.max(rows.length, 1)];
      if (!row) return;
      const status = a.on ? 'active' : 'disabled';
      await setAppStatus(cl.db, row.id, status);
      intent = { name: 'app.setStatus', id: row.id, status };
    } else return;
  } catch (err) {
    if (err instanceof LocalWriteError) return; // e.g. a status change of an app never created
    throw err;
  }
  cl.intents.set((await readMeta(cl.db)).lastMutationId, intent);
}

/** Rebase: while a mutation is pending, the replica shows it, whatever pulls brought since. */
async function pendingVisible(cl: Client) {
  const latest = new Map<string, { fields?: Record<string, unknown>; status?: string }>();
  for (const e of await cl.db.outbox.orderBy('id').toArray()) {
    const args = e.args as { fields?: Record<string, unknown>; status?: string };
    // A (re)create starts the app over as active, after whatever was queued before it.
    const seen = e.name === 'app.create' ? { status: 'active' } : (latest.get(e.recordId) ?? {});
    latest.set(e.recordId, {
      ...seen,
      ...(args.fields ? { fields: args.fields } : {}),
      ...(args.status ? { status: args.status } : {})
    });
  }
  for (const [id, want] of latest) {
    const row = await cl.db.apps.get(id);
    expect(row?.pending).toBe(true);
    for (const k of fieldKeys) if (want.fields) expect(row?.[k]).toEqual(want.fields[k]);
    if (want.status) expect(row?.status).toBe(want.status);
  }
}

/** Replays what the server applied (not refused), in its order, from the merchants' intents. */
function model(clients: Client[], log: ServerLog) {
  const apps = new Map<
    string,
    { fields: Record<string, unknown>; status: string; logo: boolean }
  >();
  for (const { client, mutationId } of log.applied) {
    if (log.refused.has(`${client}:${mutationId}`)) continue;
    const it = clients[client]!.intents.get(mutationId)!;
    if (it.name === 'app.create') {
      apps.set(it.id, {
        fields: appFieldsSchema.parse(it.fields),
        status: 'active',
        logo: it.logo
      });
    } else {
      const app = apps.get(it.id)!;
      if (it.name === 'app.update') {
        app.fields = appFieldsSchema.parse(it.fields);
        if (it.logo !== undefined) app.logo = it.logo;
      } else app.status = it.status;
    }
  }
  return apps;
}

async function check(server: RealServer, clients: Client[], log: ServerLog) {
  for (let round = 0; round < 5; round++) {
    for (const cl of clients) await syncOnce(cl.db, cl.net.fetch);
  }
  for (const cl of clients) await pullChanges(cl.db, cl.net.fetch);
  const rows = await server.rows();

  // Nothing lost, nothing extra: each client sent exactly its merchant's writes, 1..n, and the
  // server counted every one of them.
  for (const [i, cl] of clients.entries()) {
    expect(await cl.db.outbox.count()).toBe(0);
    const n = (await readMeta(cl.db)).lastMutationId;
    expect([...cl.intents.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, k) => k + 1)
    );
    expect(log.last[i]).toBe(n);
    expect([...log.pushed[i]!.keys()].sort((a, b) => a - b)).toEqual(
      [...cl.intents.keys()].sort((a, b) => a - b)
    );
    for (const [id, sent] of log.pushed[i]!) {
      const it = cl.intents.get(id)!;
      expect(sent.name).toBe(it.name);
      expect((sent.args as { id: string }).id).toBe(it.id);
    }
  }
  // Refusals only for reasons a merchant would understand; a conflict only when ANOTHER
  // client changed the app (a client's own chain of edits never conflicts with itself).
  for (const [key, code] of log.refused) {
    expect(['conflict', 'app_name_taken', 'not_found']).toContain(code);
    if (code !== 'conflict') continue;
    const [c, m] = key.split(':').map(Number) as [number, number];
    const app = clients[c]!.intents.get(m)!.id;
    const others = log.applied.filter(
      (x) => x.client !== c && clients[x.client]!.intents.get(x.mutationId)!.id === app
    );
    expect(others.length).toBeGreaterThan(0);
  }
  // The server holds exactly what a replay of its applied mutations gives.
  const expected = model(clients, log);
  expect(rows.map((r) => r.id)).toEqual([...expected.keys()].sort());
  for (const r of rows) {
    const m = expected.get(r.id)!;
    for (const k of fieldKeys) expect(r[k]).toEqual(m.fields[k]);
    expect(r.status).toBe(m.status);
    expect(r.logoHash !== null).toBe(m.logo);
  }
  // Every replica equals the server; what only a browser has is a refused create, shown so.
  for (const cl of clients) {
    const local = (await cl.db.apps.toArray()).sort(byId);
    const synced = local.filter((a) => a.server !== null);
    expect(synced.map((a) => a.server)).toEqual(rows);
    for (const a of synced) {
      expect(a.pending).toBe(false);
      const { pending: _p, syncError: _s, conflict: _c, server: _v, localLogo: _l, ...shown } = a;
      expect({ ...shown, deleted: false }).toEqual(a.server);
    }
    for (const a of local.filter((x) => x.server === null)) {
      expect(a.syncError).not.toBeNull();
      expect(a.pending).toBe(false);
      expect(rows.some((r) => r.id === a.id)).toBe(false);
    }
    // A create the server refused is not lost: its browser still shows it, with the reason.
    for (const it of cl.intents.values()) {
      if (it.name !== 'app.create' || rows.some((r) => r.id === it.id)) continue;
      expect(local.find((a) => a.id === it.id)?.syncError).toBeTruthy();
    }
  }
}

describe('sync property', () => {
  it('loses nothing, duplicates nothing, and converges, whatever the network and server do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 3 }),
        fc.array(action, { minLength: 10, maxLength: 60, size: 'max' }),
        async (n, actions) => {
          const server = await realServer();
          const log = new ServerLog();
          try {
            const clients: Client[] = [];
            for (let i = 0; i < n; i++) {
              const db = await openUserDb(server.merchantId, server.businessId, freshBrowser());
              clients.push({ db, net: faultyTransport(i, server.fetch, log), intents: new Map() });
            }
            for (const a of actions) {
              if (a.t === 'restart') {
                await server.restart();
                continue;
              }
              const cl = clients[a.c % n]!;
              if (a.t === 'push' || a.t === 'pull' || a.t === 'sync') {
                cl.net.faults(a.faults);
                const step = a.t === 'push' ? pushOutbox : a.t === 'pull' ? pullChanges : syncOnce;
                await step(cl.db, cl.net.fetch).catch(() => undefined);
                cl.net.faults([]);
              } else await localWrite(cl, a);
              for (const c of clients) await pendingVisible(c);
            }
            await check(server, clients, log);
            for (const cl of clients) cl.db.close();
          } finally {
            await server.close();
          }
        }
      ),
      { seed: 20260301, numRuns: RUNS }
    );
  }, 600_000);
});
