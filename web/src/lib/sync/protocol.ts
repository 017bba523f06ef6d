import { MAX_MUTATIONS_PER_PUSH, MAX_PUSH_BODY_BYTES, SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { appPushResponseSchema, pullResponseSchema } from '@kspay/shared/apps';
import { readMeta, type KspayDb } from '../db/database';
import type { OutboxEntry } from '../db/types';
import { applyPullPage, restartAsNewClient, storeRejections } from './apply';
import { SyncError } from './errors';
import { postSync, type FetchLike } from './transport';

/** Room left in a push body for the envelope (client id, schema version). */
const ENVELOPE_BYTES = 1024;
/** A pull that keeps saying `hasMore` without moving is a server bug, not a reason to spin. */
const MAX_PULL_PAGES = 1000;
const utf8 = new TextEncoder();

const wire = (e: OutboxEntry) => ({ id: e.id, name: e.name, args: e.args });

/** As many entries as fit the server's body limit (a logo is ~140 KB); always at least one. */
function withinBudget(entries: OutboxEntry[]): OutboxEntry[] {
  let bytes = ENVELOPE_BYTES;
  const out: OutboxEntry[] = [];
  for (const e of entries) {
    bytes += utf8.encode(JSON.stringify(wire(e))).length + 1;
    if (out.length > 0 && bytes > MAX_PUSH_BODY_BYTES) break;
    out.push(e);
  }
  return out;
}

/**
 * Sends the whole outbox in order, in batches. Nothing is dropped here: entries leave the
 * outbox only when a pull confirms them, together with every refusal the server stored for
 * them (a push answer can be lost after the server applied the batch).
 */
export async function pushOutbox(db: KspayDb, fetchFn: FetchLike): Promise<number> {
  const { clientId } = await readMeta(db);
  let after = 0;
  let sent = 0;
  for (;;) {
    const entries = await db.outbox
      .where('id')
      .above(after)
      .limit(MAX_MUTATIONS_PER_PUSH)
      .toArray();
    const batch = withinBudget(entries);
    const last = batch.at(-1);
    if (!last) return sent;
    const res = await postSync(
      fetchFn,
      '/api/sync/push',
      {
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: batch.map(wire)
      },
      appPushResponseSchema
    );
    await db.transaction('rw', [db.apps, db.outbox], () => storeRejections(db, res.rejections));
    sent += batch.length;
    after = last.id;
    if (res.lastMutationId < last.id) return sent;
  }
}

/** Pulls pages until the server has nothing more; each page is applied atomically. */
export async function pullChanges(db: KspayDb, fetchFn: FetchLike): Promise<number> {
  let rows = 0;
  for (let page = 0; page < MAX_PULL_PAGES; page++) {
    const meta = await readMeta(db);
    const res = await postSync(
      fetchFn,
      '/api/sync/pull',
      {
        clientId: meta.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: meta.cursor,
        rejectionsAfter: meta.rejectionsAfter
      },
      pullResponseSchema
    );
    await applyPullPage(db, res);
    rows += res.apps.length;
    if (!res.hasMore) return rows;
    const next = await readMeta(db);
    if (next.cursor === meta.cursor && next.rejectionsAfter === meta.rejectionsAfter) break;
  }
  throw new SyncError('transient', 'The server kept offering more changes without progress');
}

/**
 * One sync pass: push the outbox, then pull. A 409 (the server misses a mutation before the
 * batch) is answered by a pull, which tells what the server has applied and drops it here,
 * and one retry; a second 409 means the server forgot this client (see restartAsNewClient).
 */
export async function syncOnce(db: KspayDb, fetchFn: FetchLike): Promise<void> {
  try {
    await pushOutbox(db, fetchFn);
  } catch (err) {
    if (!(err instanceof SyncError && err.kind === 'gap')) throw err;
    await pullChanges(db, fetchFn);
    try {
      await pushOutbox(db, fetchFn);
    } catch (again) {
      if (!(again instanceof SyncError && again.kind === 'gap')) throw again;
      await restartAsNewClient(db);
      await pushOutbox(db, fetchFn);
    }
  }
  await pullChanges(db, fetchFn);
}
