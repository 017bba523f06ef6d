import {
  MAX_MUTATIONS_PER_PUSH,
  MAX_PUSH_BODY_BYTES,
  SYNC_SCHEMA_VERSION
} from '@kspay/shared/sync';
import { appPushResponseSchema, pullResponseSchema } from '@kspay/shared/app-record';
import { readMeta, type KspayDb } from '../db/database';
import type { OutboxEntry, SyncMeta } from '../db/types';
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
        businessId: db.businessId,
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

/**
 * Pulls pages until the server has nothing more; each page is applied atomically. The next
 * page is requested while this one is written, from the cursor this page will store; if the
 * stored cursor turns out different (nothing else writes it during a pass), it is asked again.
 */
export async function pullChanges(db: KspayDb, fetchFn: FetchLike): Promise<number> {
  const pull = (from: SyncMeta) => {
    const res = postSync(
      fetchFn,
      '/api/sync/pull',
      {
        clientId: from.clientId,
        businessId: db.businessId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: from.cursor,
        rejectionsAfter: from.rejectionsAfter
      },
      pullResponseSchema
    );
    res.catch(() => undefined); // awaited below, or dropped when the pass fails first
    return { from, res };
  };
  let rows = 0;
  let next = pull(await readMeta(db));
  for (let page = 0; page < MAX_PULL_PAGES; page++) {
    const { from, res: answer } = next;
    const res = await answer;
    const after: SyncMeta = {
      ...from,
      cursor: Math.max(from.cursor, res.cursor),
      rejectionsAfter: Math.max(from.rejectionsAfter, ...res.rejections.map((r) => r.mutationId))
    };
    const moved = after.cursor !== from.cursor || after.rejectionsAfter !== from.rejectionsAfter;
    if (res.hasMore && moved) next = pull(after);
    await applyPullPage(db, res);
    rows += res.apps.length;
    if (!res.hasMore) return rows;
    if (!moved) break;
    const stored = await readMeta(db);
    if (
      stored.clientId !== after.clientId ||
      stored.cursor !== after.cursor ||
      stored.rejectionsAfter !== after.rejectionsAfter
    ) {
      next = pull(stored);
    }
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
