import { can, errorCodes, MAX_ROWS_PER_PULL, mutationNames, ROLE_REFUSAL } from '@kspay/shared';
import type { Mutation } from '@kspay/shared';
import type { AppPushResponse, AppRejection, PullResponse } from '@kspay/shared/apps';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import { withTx, type Db } from '../db';
import type { Database, SyncRejectionsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { applyAppMutation, recordIdOf, type Refusal } from './app-mutations';
import { appStore, toRecord } from './apps';
import type { Actor } from './audit';
import { businessStore } from './businesses';
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
 *
 * Teams: a client is one replica of ONE business for ONE person. Every push and pull reads the
 * caller's membership from committed state (inside each mutation's transaction for a push):
 * a non-member gets 403 `not_a_member` (the browser wipes that replica), and a mutation the
 * caller's role no longer allows is refused with `forbidden_role`, stored and pulled like any
 * other refusal, never dropped.
 */
export interface SyncCaller {
  userId: string;
  businessId: string;
  /** Who the audit log names for an applied mutation. */
  actor: Actor;
}

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
      .select(['user_id', 'business_id', 'last_mutation_id'])
      .where('id', '=', clientId);
    if (lock && dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return (
      row && {
        userId: row.user_id,
        businessId: row.business_id,
        last: Number(row.last_mutation_id)
      }
    );
  }

  /** A client id of another person, or of another business's replica, is not this client. */
  const foreign = (
    client: { userId: string; businessId: string } | undefined,
    caller: SyncCaller
  ) => !!client && (client.userId !== caller.userId || client.businessId !== caller.businessId);

  const unknownClient = () => new ApiError('not_found', 'There is no such sync client');
  const notAMember = () => new ApiError('not_a_member', 'You are not a member of this business');

  async function roleIn(tx: Kysely<Database>, caller: SyncCaller) {
    const role = await businessStore(withTx(database, tx), clock).roleOf(
      caller.businessId,
      caller.userId
    );
    if (!role) throw notAMember();
    return role;
  }

  /** Stored refusals as the client sees them, with the current row for a `conflict`. */
  async function withRecords(tx: Kysely<Database>, businessId: string, rows: RejectionRow[]) {
    const apps = appStore(withTx(database, tx), clock);
    const out: AppRejection[] = [];
    for (const r of rows) {
      const code = storedCode.parse(r.code);
      let record = null;
      if (code === 'conflict' && r.record_id) {
        const app = await apps.byId(r.record_id);
        record = app && app.business_id === businessId ? toRecord(app) : null;
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
  async function pushOne(caller: SyncCaller, clientId: string, m: Mutation): Promise<void> {
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
            user_id: caller.userId,
            business_id: caller.businessId,
            last_mutation_id: 0,
            created_at: now,
            updated_at: now
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const client = await clientRow(tx, clientId, true);
        if (!client || foreign(client, caller)) throw unknownClient();
        // Read after the client's lock, in the mutation's own transaction: a role change
        // committed before this point is the one that decides.
        const role = await roleIn(tx, caller);
        if (m.id <= client.last) return;
        if (m.id > client.last + 1) {
          throw new ApiError(
            'mutation_gap',
            `Mutation ${m.id} cannot be applied before mutation ${client.last + 1}`
          );
        }
        const refusal: Refusal | null = can(role, 'apps.write')
          ? await applyAppMutation(
              {
                database: withTx(database, tx),
                clock,
                businessId: caller.businessId,
                actor: caller.actor,
                clientId,
                now
              },
              m
            )
          : { code: 'forbidden_role', message: ROLE_REFUSAL, recordId: recordIdOf(m.args) };
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
    async push(
      caller: SyncCaller,
      clientId: string,
      mutations: Mutation[]
    ): Promise<AppPushResponse> {
      await retryableAs503(() => roleIn(db, caller));
      for (const m of mutations) await pushOne(caller, clientId, m);
      return retryableAs503(async () => {
        const client = await clientRow(db, clientId, false);
        if (foreign(client, caller)) throw unknownClient();
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
          rejections: await withRecords(db, caller.businessId, rows)
        };
      });
    },

    async pull(
      caller: SyncCaller,
      req: { clientId: string; cursor: number; rejectionsAfter: number }
    ): Promise<PullResponse> {
      const run = async (tx: Kysely<Database>): Promise<PullResponse> => {
        await roleIn(tx, caller);
        const client = await clientRow(tx, req.clientId, false);
        if (foreign(client, caller)) throw unknownClient();
        const rows = await appStore(withTx(database, tx), clock).changedSince(
          caller.businessId,
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
          rejections: await withRecords(tx, caller.businessId, refused.slice(0, MAX_ROWS_PER_PULL)),
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
