import { errorCodes, MAX_ROWS_PER_PULL, mutationNames, type Mutation } from '@kspay/shared';
import type { AppPushResponse, AppRejection, PullResponse } from '@kspay/shared/apps';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import { withTx, type Db } from '../db';
import type { Database, SyncRejectionsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { applyAppMutation, type Refusal } from './app-mutations';
import { appStore, toRecord } from './apps';
import { retryableAs503 } from '../db/retry';

/**
 * The server half of the sync protocol (DESIGN.md §4).
 *
 * Push: each mutation runs in ITS OWN transaction that first locks the client's row, so the
 * "id == last + 1" check, the change and the counter advance commit together or not at all:
 * a replayed batch finds every id <= last and changes nothing, two concurrent pushes of one
 * client queue on the row lock, and a refused mutation still advances the counter (with its
 * refusal stored) so it is answered once and never retried. A gap rolls back and answers 409.
 *
 * Pull: one snapshot (REPEATABLE READ on PostgreSQL) for the rows, the client's counter and
 * its refusals, so `lastMutationId` describes exactly the rows returned; the cursor is the
 * highest version returned, which store/versions.ts guarantees can never skip a row.
 */
const PG_LOCK_TIMEOUT = '5s';
type RejectionRow = Selectable<SyncRejectionsTable>;

const storedFields = z.record(z.string(), z.string());
const storedCode = z.enum(errorCodes).catch('validation_failed');
const storedName = z.enum(mutationNames);

export function syncStore(database: Db, clock: Clock) {
  const { db, dialect } = database;

  async function clientRow(tx: Kysely<Database>, clientId: string, lock: boolean) {
    let q = tx
      .selectFrom('sync_clients')
      .select(['user_id', 'last_mutation_id'])
      .where('id', '=', clientId);
    if (lock && dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && { userId: row.user_id, last: Number(row.last_mutation_id) };
  }

  const unknownClient = () => new ApiError('not_found', 'There is no such sync client');

  /** Stored refusals as the client sees them, with the current row for a `conflict`. */
  async function withRecords(tx: Kysely<Database>, userId: string, rows: RejectionRow[]) {
    const apps = appStore(withTx(database, tx), clock);
    const out: AppRejection[] = [];
    for (const r of rows) {
      const code = storedCode.parse(r.code);
      let record = null;
      if (code === 'conflict' && r.record_id) {
        const app = await apps.byId(r.record_id);
        record = app && app.user_id === userId ? toRecord(app) : null;
      }
      out.push({
        mutationId: Number(r.mutation_id),
        name: storedName.parse(r.name),
        recordId: r.record_id,
        code,
        message: r.message,
        ...(r.fields ? { fields: storedFields.parse(JSON.parse(r.fields)) } : {}),
        ...(code === 'conflict' ? { record } : {})
      });
    }
    return out;
  }

  /** One mutation, one transaction. */
  async function pushOne(userId: string, clientId: string, m: Mutation): Promise<void> {
    await retryableAs503(() =>
      db.transaction().execute(async (tx) => {
        if (dialect === 'postgres') {
          await sql`set local lock_timeout = ${sql.lit(PG_LOCK_TIMEOUT)}`.execute(tx);
        }
        const now = clock.now().toISOString();
        await tx
          .insertInto('sync_clients')
          .values({
            id: clientId,
            user_id: userId,
            last_mutation_id: 0,
            created_at: now,
            updated_at: now
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const client = await clientRow(tx, clientId, true);
        if (!client || client.userId !== userId) throw unknownClient();
        if (m.id <= client.last) return;
        if (m.id > client.last + 1) {
          throw new ApiError(
            'mutation_gap',
            `Mutation ${m.id} cannot be applied before mutation ${client.last + 1}`
          );
        }
        const refusal: Refusal | null = await applyAppMutation(
          { database: withTx(database, tx), clock, userId, clientId, now },
          m
        );
        if (refusal) {
          await tx
            .insertInto('sync_rejections')
            .values({
              client_id: clientId,
              mutation_id: m.id,
              name: m.name,
              record_id: refusal.recordId,
              code: refusal.code,
              message: refusal.message,
              fields: refusal.fields ? JSON.stringify(refusal.fields) : null,
              created_at: now
            })
            .execute();
        }
        await tx
          .updateTable('sync_clients')
          .set({ last_mutation_id: m.id, updated_at: now })
          .where('id', '=', clientId)
          .execute();
      })
    );
  }

  return {
    /**
     * Applies the batch in order and answers the client's counter with the refusals of this
     * batch's mutations (including ones refused by an earlier delivery of the same batch).
     */
    async push(userId: string, clientId: string, mutations: Mutation[]): Promise<AppPushResponse> {
      for (const m of mutations) await pushOne(userId, clientId, m);
      return retryableAs503(async () => {
        const client = await clientRow(db, clientId, false);
        if (client && client.userId !== userId) throw unknownClient();
        const ids = mutations.map((m) => m.id);
        const rows =
          client && ids.length > 0
            ? await db
                .selectFrom('sync_rejections')
                .selectAll()
                .where('client_id', '=', clientId)
                .where('mutation_id', 'in', ids)
                .orderBy('mutation_id')
                .execute()
            : [];
        return {
          lastMutationId: client?.last ?? 0,
          rejections: await withRecords(db, userId, rows)
        };
      });
    },

    async pull(
      userId: string,
      req: { clientId: string; cursor: number; rejectionsAfter: number }
    ): Promise<PullResponse> {
      const run = async (tx: Kysely<Database>): Promise<PullResponse> => {
        const client = await clientRow(tx, req.clientId, false);
        if (client && client.userId !== userId) throw unknownClient();
        const rows = await appStore(withTx(database, tx), clock).changedSince(
          userId,
          req.cursor,
          MAX_ROWS_PER_PULL + 1
        );
        const refused = client
          ? await tx
              .selectFrom('sync_rejections')
              .selectAll()
              .where('client_id', '=', req.clientId)
              .where('mutation_id', '>', req.rejectionsAfter)
              .orderBy('mutation_id')
              .limit(MAX_ROWS_PER_PULL + 1)
              .execute()
          : [];
        const apps = rows.slice(0, MAX_ROWS_PER_PULL).map(toRecord);
        return {
          cursor: apps.at(-1)?.version ?? req.cursor,
          lastMutationId: client?.last ?? 0,
          apps,
          rejections: await withRecords(tx, userId, refused.slice(0, MAX_ROWS_PER_PULL)),
          hasMore: rows.length > MAX_ROWS_PER_PULL || refused.length > MAX_ROWS_PER_PULL
        };
      };
      return retryableAs503(() =>
        dialect === 'postgres'
          ? db.transaction().setIsolationLevel('repeatable read').execute(run)
          : db.transaction().execute(run)
      );
    }
  };
}
