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
import { versionCounter } from './versions';
import { retryableAs503 } from '../db/retry';
import { isForeignKeyViolation } from '../db/unique';

/**
 * The server half of the sync protocol (DESIGN.md §4).
 *
 * Push: a batch runs in one transaction that first locks the client's row, so each mutation's
 * "id == last + 1" check, its change and the counter's advance past it commit together or not
 * at all — to the client, one mutation is one transaction: a replayed batch finds every
 * id <= last and changes nothing, two concurrent pushes of one client queue on the row lock,
 * and a refused mutation still advances the counter (with its refusal stored) so it is
 * answered once and never retried. A gap commits what came before it and answers 409. One
 * commit per push, not per mutation: on PostgreSQL that was most of a mutation's time
 * (issue 18; `synchronous_commit` stays on: an acknowledged mutation lost in a database crash
 * would leave the client a gap it could never fill).
 *
 * Pull: one snapshot (REPEATABLE READ on PostgreSQL) for the rows, the client's counter and
 * its refusals, so `lastMutationId` describes exactly the rows returned; the cursor is the
 * highest version returned, which store/versions.ts guarantees can never skip a row.
 *
 * Teams: a client is one replica of ONE business for ONE person. Every push and pull reads the
 * caller's membership from committed state (for a push inside its transaction, after the lock):
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

  async function clientRow(tx: Kysely<Database>, clientId: string) {
    const row = await tx
      .selectFrom('sync_clients')
      .select(['user_id', 'business_id', 'last_mutation_id'])
      .where('id', '=', clientId)
      .executeTakeFirst();
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

  /**
   * The client's row, created on its first push, locked until commit (PostgreSQL) and read,
   * in one statement: ON CONFLICT DO UPDATE locks an existing row as FOR UPDATE would.
   */
  async function lockClient(
    tx: Kysely<Database>,
    clientId: string,
    caller: SyncCaller,
    now: string
  ) {
    const row = await tx
      .insertInto('sync_clients')
      .values({
        id: clientId,
        user_id: caller.userId,
        business_id: caller.businessId,
        last_mutation_id: 0,
        created_at: now,
        updated_at: now
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ updated_at: sql<string>`sync_clients.updated_at` })
      )
      .returning(['user_id', 'business_id', 'last_mutation_id'])
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        // Only a business that does not exist fails here (the caller's own account does):
        // no membership in it either, answered as the role check below would.
        throw isForeignKeyViolation(err) ? notAMember() : err;
      });
    return { userId: row.user_id, businessId: row.business_id, last: Number(row.last_mutation_id) };
  }

  const gapAt = (id: number, last: number) =>
    new ApiError('mutation_gap', `Mutation ${id} cannot be applied before mutation ${last + 1}`);

  /**
   * The batch in ONE transaction, in order: per mutation, the change, its audit entry and its
   * refusal (if any) together with the counter's advance past it, so the client sees exactly
   * "one mutation, one transaction": `lastMutationId` covers only mutations whose effects are
   * committed, and a failure anywhere rolls the batch back for the client to push again (the
   * replay finds every id <= last). The client's row and the business's version row are locked
   * once and the counter written once, at the end. Stops at a gap: rolls back when nothing
   * came before it, else commits that and answers the gap for the caller to throw after commit.
   */
  function pushBatch(caller: SyncCaller, clientId: string, mutations: Mutation[]) {
    return retryableAs503(() =>
      db.transaction().execute(async (tx) => {
        if (dialect === 'postgres') {
          await sql`set local lock_timeout = ${sql.lit(PG_LOCK_TIMEOUT)}`.execute(tx);
        }
        const now = clock.now().toISOString();
        const client = await lockClient(tx, clientId, caller, now);
        // Read after the client's lock, in the batch's own transaction: a role change
        // committed before this point is the one that decides.
        const role = await roleIn(tx, caller);
        if (foreign(client, caller)) throw unknownClient();
        const versions = versionCounter(tx, dialect, caller.businessId);
        const ctx = { database: withTx(database, tx), clock, businessId: caller.businessId };
        let last = client.last;
        let gap: ApiError | null = null;
        let answered = false;
        for (const m of mutations) {
          if (m.id <= last) {
            answered = true;
            continue;
          }
          if (m.id > last + 1) {
            gap = gapAt(m.id, last);
            // Nothing applied: roll back (a new client's row included), as any refusal does.
            if (last === client.last) throw gap;
            break;
          }
          const refusal: Refusal | null = can(role, 'apps.write')
            ? await applyAppMutation({ ...ctx, actor: caller.actor, clientId, now, versions }, m)
            : { code: 'forbidden_role', message: ROLE_REFUSAL, recordId: recordIdOf(m.args) };
          if (refusal) {
            answered = true;
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
          last = m.id;
        }
        await versions.write();
        if (last !== client.last) {
          await tx
            .updateTable('sync_clients')
            .set({ last_mutation_id: last, updated_at: now })
            .where('id', '=', clientId)
            .execute();
        }
        // Refusals exist only for a mutation refused now or answered by an earlier delivery.
        const rows = answered ? await rejectionsOf(tx, clientId, mutations) : [];
        return {
          gap,
          answer: {
            lastMutationId: last,
            rejections: await withRecords(tx, caller.businessId, rows)
          }
        };
      })
    );
  }

  function rejectionsOf(tx: Kysely<Database>, clientId: string, mutations: Mutation[]) {
    return tx
      .selectFrom('sync_rejections')
      .selectAll()
      .where('client_id', '=', clientId)
      .where(
        'mutation_id',
        'in',
        mutations.map((m) => m.id)
      )
      .orderBy('mutation_id')
      .execute();
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
      if (mutations.length > 0) {
        const { gap, answer } = await pushBatch(caller, clientId, mutations);
        if (gap) throw gap;
        return answer;
      }
      return retryableAs503(async () => {
        await roleIn(db, caller);
        const client = await clientRow(db, clientId);
        if (foreign(client, caller)) throw unknownClient();
        return { lastMutationId: client?.last ?? 0, rejections: [] };
      });
    },

    async pull(
      caller: SyncCaller,
      req: { clientId: string; cursor: number; rejectionsAfter: number }
    ): Promise<PullResponse> {
      const run = async (tx: Kysely<Database>): Promise<PullResponse> => {
        await roleIn(tx, caller);
        const client = await clientRow(tx, req.clientId);
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
