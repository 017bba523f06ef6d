import type { AppRejection, PullResponse } from '@kspay/shared/app-record';
import { readMeta, type KspayDb } from '../db/database';
import { newClientId } from '@kspay/shared/ids';
import { META_KEY, type LocalApp, type OutboxEntry } from '../db/types';
import { materialize } from './rebase';

/**
 * Writes of sync answers into the local database. Each runs inside ONE Dexie transaction with
 * the cursor/rejection bookkeeping it implies, so a crash leaves either the old state or the
 * new one, never pulled rows without their cursor or a dropped outbox entry without its rebase.
 */

type ServerRow = PullResponse['apps'][number];

/** Each record's outbox entries in id order, from ONE query over all of `ids`. */
async function pendingOf(db: KspayDb, ids: readonly string[]) {
  const byRecord = new Map<string, OutboxEntry[]>();
  if (ids.length === 0) return byRecord;
  const entries = await db.outbox.where('recordId').anyOf(ids).toArray();
  entries.sort((a, b) => a.id - b.id);
  for (const e of entries) {
    const list = byRecord.get(e.recordId);
    if (list) list.push(e);
    else byRecord.set(e.recordId, [e]);
  }
  return byRecord;
}

/**
 * The stored rows among `ids`. Which exist is read as ONE key range (the page's smallest to
 * largest id: never more than the table's keys) rather than one request per id, and only those
 * rows are fetched: on a first sync almost none exist, so a page costs two cheap reads.
 */
async function storedRows(db: KspayDb, ids: readonly string[]): Promise<LocalApp[]> {
  const sorted = [...ids].sort();
  const keys = await db.apps
    .where(':id')
    .between(sorted[0], sorted[sorted.length - 1], true, true)
    .primaryKeys();
  const wanted = new Set(ids);
  const present = keys.filter((k) => wanted.has(k));
  if (present.length === 0) return [];
  const rows = await db.apps.bulkGet(present);
  return rows.filter((row) => row !== undefined);
}

/**
 * Recomputes replica rows from their server rows (given, or else the stored one) and their
 * remaining mutations, in bulk: one read of the rows, one of the outbox, one write. `updates`
 * are applied in order against the rows as this batch leaves them, so a record listed twice
 * sees its first result, exactly as one-by-one writes would. A row whose stored server copy is
 * newer than the offered one is left alone (a page cannot move a record back in time).
 */
async function rematerializeAll(
  db: KspayDb,
  updates: readonly { id: string; server?: ServerRow }[]
): Promise<void> {
  const ids = [...new Set(updates.map((u) => u.id))];
  if (ids.length === 0) return;
  const [stored, pending] = await Promise.all([storedRows(db, ids), pendingOf(db, ids)]);
  const current = new Map<string, LocalApp | undefined>(stored.map((row) => [row.id, row]));
  const puts = new Map<string, LocalApp>();
  const deletes = new Set<string>();
  for (const { id, server } of updates) {
    const prev = current.get(id);
    if (server && prev?.server && prev.server.version > server.version) continue;
    const base = server === undefined ? (prev?.server ?? null) : server;
    const next = materialize(base, prev, pending.get(id) ?? []);
    if (next) {
      current.set(id, next);
      puts.set(id, next);
      deletes.delete(id);
    } else if (prev) {
      current.set(id, undefined);
      puts.delete(id);
      deletes.add(id);
    }
  }
  await Promise.all([db.apps.bulkPut([...puts.values()]), db.apps.bulkDelete([...deletes])]);
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
    await rematerializeAll(
      db,
      res.apps.map((row) => ({ id: row.id, server: row }))
    );
    await storeRejections(db, res.rejections);
    const rejectionsAfter = Math.max(
      meta.rejectionsAfter,
      ...res.rejections.map((r) => r.mutationId)
    );
    if (!res.hasMore) {
      const acked = await db.outbox.where('id').belowOrEqual(res.lastMutationId).toArray();
      await db.outbox.bulkDelete(acked.map((e) => e.id));
      const touched = new Set(acked.map((e) => e.recordId));
      await rematerializeAll(
        db,
        [...touched].map((id) => ({ id }))
      );
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
