import type { AppRejection, PullResponse } from '@kspay/shared/apps';
import { readMeta, type KspayDb } from '../db/database';
import { newClientId } from '../db/ids';
import { META_KEY, type OutboxEntry } from '../db/types';
import { materialize } from './rebase';

/**
 * Writes of sync answers into the local database. Each runs inside ONE Dexie transaction with
 * the cursor/rejection bookkeeping it implies, so a crash leaves either the old state or the
 * new one, never pulled rows without their cursor or a dropped outbox entry without its rebase.
 */

/** Recomputes a record's replica row from its server row and its remaining mutations. */
async function rematerialize(db: KspayDb, id: string, server?: PullResponse['apps'][number]) {
  const prev = await db.apps.get(id);
  const pending = await db.outbox.where('recordId').equals(id).sortBy('id');
  const base = server === undefined ? (prev?.server ?? null) : server;
  const next = materialize(base, prev, pending);
  if (next) await db.apps.put(next);
  else if (prev) await db.apps.delete(id);
}

/**
 * Shows refusals next to their records. A refusal is superseded by a later local mutation of
 * the record (a later create for a refused create: the resubmission), and a refused create
 * keeps its message over the follow-up refusals of edits to the app it never made. The same
 * refusal may arrive twice (push answer, then pull): the second only adds the server row.
 */
export async function storeRejections(db: KspayDb, rejections: readonly AppRejection[]) {
  for (const r of rejections) {
    const entry = await db.outbox.get(r.mutationId);
    const recordId = r.recordId ?? entry?.recordId;
    const row = recordId ? await db.apps.get(recordId) : undefined;
    if (!row) continue;
    const later = await db.outbox
      .where('recordId')
      .equals(row.id)
      .filter((e) => e.id > r.mutationId && (r.name !== 'app.create' || e.name === 'app.create'))
      .count();
    if (later > 0) continue;
    const shown = row.syncError;
    if (r.name !== 'app.create' && !row.server && shown?.name === 'app.create') continue;
    if (shown && shown.mutationId > r.mutationId) continue;
    if (shown?.mutationId === r.mutationId) {
      if (r.record) await db.apps.put({ ...row, conflict: r.record });
      continue;
    }
    await db.apps.put({
      ...row,
      syncError: {
        mutationId: r.mutationId,
        name: r.name,
        code: r.code,
        message: r.message,
        ...(r.fields ? { fields: r.fields } : {}),
        args: entry?.args ?? null
      },
      conflict: r.record ?? null
    });
  }
}

/**
 * One pull page: server rows replace the replica's server copies (pending mutations stay
 * folded on top), refusals are stored and `rejectionsAfter` moves past them. On the last page
 * the outbox entries the server has applied (<= lastMutationId) are dropped and their records
 * recomputed: from then on the server row alone carries their effect.
 */
export async function applyPullPage(db: KspayDb, res: PullResponse): Promise<void> {
  await db.transaction('rw', [db.apps, db.outbox, db.meta], async () => {
    const meta = await readMeta(db);
    for (const row of res.apps) {
      const prev = await db.apps.get(row.id);
      if (prev?.server && prev.server.version > row.version) continue;
      await rematerialize(db, row.id, row);
    }
    await storeRejections(db, res.rejections);
    const rejectionsAfter = Math.max(
      meta.rejectionsAfter,
      ...res.rejections.map((r) => r.mutationId)
    );
    if (!res.hasMore) {
      const acked = await db.outbox.where('id').belowOrEqual(res.lastMutationId).toArray();
      await db.outbox.bulkDelete(acked.map((e) => e.id));
      for (const id of new Set(acked.map((e) => e.recordId))) await rematerialize(db, id);
    }
    await db.meta.update(META_KEY, {
      cursor: Math.max(meta.cursor, res.cursor),
      rejectionsAfter,
      // Never hand out an id the server already counts as applied.
      lastMutationId: Math.max(meta.lastMutationId, res.lastMutationId)
    });
  });
}

/**
 * The server answered 409 even after a pull: it no longer knows mutations this client saw
 * acknowledged (its database was restored from an older backup). Re-numbering under the old
 * client id could collide with ids it counts as applied, so the outbox continues as a NEW
 * client from 1: nothing in it is dropped, and nothing can be taken for a duplicate.
 */
export async function restartAsNewClient(db: KspayDb): Promise<void> {
  await db.transaction('rw', [db.outbox, db.meta], async () => {
    const entries = await db.outbox.orderBy('id').toArray();
    const renumbered: OutboxEntry[] = entries.map((e, i) => ({ ...e, id: i + 1 }));
    await db.outbox.clear();
    await db.outbox.bulkAdd(renumbered);
    await db.meta.update(META_KEY, {
      clientId: newClientId(),
      lastMutationId: renumbered.length,
      rejectionsAfter: 0
    });
  });
}
