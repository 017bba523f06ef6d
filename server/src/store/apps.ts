import type { AppFields, AppRecord } from '@kspay/shared/apps';
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db';
import type { AppsTable } from '../db/schema';
import type { Clock } from '../lib/clock';

/**
 * The `apps` and `app_logos` tables. Every WRITE happens inside a sync mutation
 * (store/app-mutations.ts) with the business's version row locked, which is what keeps the
 * pull cursor gap-free and the name check race-free; reads may happen anywhere.
 */
export type AppRow = Selectable<AppsTable>;

export interface StoredLogo {
  contentType: string;
  hash: string;
  bytes: Uint8Array;
}

export function toRecord(row: AppRow): AppRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    address: row.address,
    phone: row.phone,
    country: row.country,
    state: row.state,
    city: row.city,
    postalCode: row.postal_code,
    status: row.status,
    logoHash: row.logo_hash,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deleted: row.deleted_at !== null
  };
}

/** The columns a registration form sets. */
export function fieldColumns(f: AppFields, nameKey: string) {
  return {
    name: f.name,
    name_key: nameKey,
    email: f.email,
    address: f.address,
    phone: f.phone,
    country: f.country,
    state: f.state,
    city: f.city,
    postal_code: f.postalCode
  } satisfies Partial<Insertable<AppsTable>>;
}

export function appStore(database: Db, _clock: Clock) {
  const { db } = database;
  return {
    /** Any app with this id, whoever owns it, tombstones included. */
    byId(id: string): Promise<AppRow | undefined> {
      return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Whether a live app of this business other than `exceptId` already uses the name key. */
    async nameTaken(businessId: string, nameKey: string, exceptId?: string): Promise<boolean> {
      let q = db
        .selectFrom('apps')
        .select('id')
        .where('business_id', '=', businessId)
        .where('name_key', '=', nameKey)
        .where('deleted_at', 'is', null);
      if (exceptId) q = q.where('id', '!=', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },

    async insert(row: Insertable<AppsTable>): Promise<void> {
      await db.insertInto('apps').values(row).execute();
    },

    async update(id: string, values: Partial<Insertable<AppsTable>>): Promise<void> {
      await db.updateTable('apps').set(values).where('id', '=', id).execute();
    },

    async putLogo(appId: string, logo: StoredLogo, now: string): Promise<void> {
      const values = {
        content_type: logo.contentType,
        hash: logo.hash,
        size: logo.bytes.length,
        bytes: logo.bytes,
        created_at: now
      };
      await db
        .insertInto('app_logos')
        .values({ app_id: appId, ...values })
        .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
        .execute();
    },

    async removeLogo(appId: string): Promise<void> {
      await db.deleteFrom('app_logos').where('app_id', '=', appId).execute();
    },

    /**
     * The logo of a live app of a business `userId` is a member of (any role may read it);
     * undefined for anyone else's or none.
     */
    async logo(userId: string, appId: string): Promise<StoredLogo | undefined> {
      const row = await db
        .selectFrom('app_logos')
        .innerJoin('apps', 'apps.id', 'app_logos.app_id')
        .innerJoin('memberships', 'memberships.business_id', 'apps.business_id')
        .select(['app_logos.content_type', 'app_logos.hash', 'app_logos.bytes'])
        .where('apps.id', '=', appId)
        .where('memberships.user_id', '=', userId)
        .where('apps.deleted_at', 'is', null)
        .executeTakeFirst();
      return row && { contentType: row.content_type, hash: row.hash, bytes: row.bytes };
    },

    /** Rows of this business stamped after `cursor`, oldest change first, tombstones included. */
    changedSince(businessId: string, cursor: number, limit: number): Promise<AppRow[]> {
      return db
        .selectFrom('apps')
        .selectAll()
        .where('business_id', '=', businessId)
        .where('version', '>', cursor)
        .orderBy('version')
        .limit(limit)
        .execute();
    }
  };
}
