import { MAX_DOMAINS_PER_APP, type Domain } from '@kspay/shared';
import type { Kysely } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { newId } from '@kspay/shared/ids';
import { lockApp } from './apps-access';
import { writeAudit, type Actor } from './audit';
import { isUniqueViolation } from '../db/unique';

/**
 * The origins allowed to use an app's public key from a browser (Settings → Domain). Origins
 * are stored normalised (shared `originSchema`), so a lookup is an exact match on what a
 * browser sends in `Origin`.
 */
export function domainStore(database: Db, clock: Clock) {
  const { db } = database;

  async function list(q: Kysely<Database>, appId: string): Promise<Domain[]> {
    const rows = await q
      .selectFrom('app_domains')
      .leftJoin('users', 'users.id', 'app_domains.created_by')
      .select(['app_domains.id', 'app_domains.origin', 'app_domains.created_at', 'users.email'])
      .where('app_domains.app_id', '=', appId)
      .orderBy('app_domains.created_at', 'asc')
      .orderBy('app_domains.id', 'asc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      origin: r.origin,
      createdAt: r.created_at,
      createdByEmail: r.email
    }));
  }

  return {
    list: (appId: string) => list(db, appId),

    async add(appId: string, origin: string, actor: Actor): Promise<Domain> {
      return db.transaction().execute(async (trx) => {
        await lockApp(trx, database.dialect, appId);
        const existing = await list(trx, appId);
        if (existing.some((d) => d.origin === origin)) {
          throw new ApiError('conflict', 'This origin is already allowed', {
            origin: 'Already allowed'
          });
        }
        if (existing.length >= MAX_DOMAINS_PER_APP) {
          throw new ApiError('conflict', `An app allows at most ${MAX_DOMAINS_PER_APP} origins`);
        }
        const now = clock.now().toISOString();
        const id = newId('dm');
        try {
          await trx
            .insertInto('app_domains')
            .values({ id, app_id: appId, origin, created_at: now, created_by: actor.userId })
            .execute();
        } catch (err) {
          if (isUniqueViolation(err))
            throw new ApiError('conflict', 'This origin is already allowed');
          throw err;
        }
        await writeAudit(trx, { appId, action: 'domain.added', detail: origin, actor, at: now });
        const added = (await list(trx, appId)).find((d) => d.id === id);
        if (!added) throw new Error('inserted domain not found');
        return added;
      });
    },

    async remove(appId: string, domainId: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .deleteFrom('app_domains')
          .where('app_id', '=', appId)
          .where('id', '=', domainId)
          .returning('origin')
          .executeTakeFirst();
        if (!row) throw new ApiError('not_found', 'There is no such domain for this app');
        const now = clock.now().toISOString();
        await writeAudit(trx, {
          appId,
          action: 'domain.removed',
          detail: row.origin,
          actor,
          at: now
        });
      });
    },

    async isAllowed(appId: string, origin: string): Promise<boolean> {
      const row = await db
        .selectFrom('app_domains')
        .select('id')
        .where('app_id', '=', appId)
        .where('origin', '=', origin)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Any app allows it: enough to answer a CORS preflight, which carries no key. */
    async anyAllows(origin: string): Promise<boolean> {
      const row = await db
        .selectFrom('app_domains')
        .select('id')
        .where('origin', '=', origin)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    }
  };
}

export type DomainStore = ReturnType<typeof domainStore>;
