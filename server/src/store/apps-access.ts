import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db';
import type { Database } from '../db/schema';

/**
 * The few reads of the `apps` table (owned by the apps work) that keys, domains and the
 * payments API need: ownership, status and creation time. Kept in one place so the apps
 * schema is touched from here only.
 */
export interface AppState {
  id: string;
  merchantId: string;
  status: string;
  createdAt: string;
}

function appQuery(db: Kysely<Database>) {
  return db
    .selectFrom('apps')
    .select(['apps.id', 'apps.user_id', 'apps.status', 'apps.created_at'])
    .where('apps.deleted_at', 'is', null);
}

function toState(r: { id: string; user_id: string; status: string; created_at: string }): AppState {
  return { id: r.id, merchantId: r.user_id, status: r.status, createdAt: r.created_at };
}

/** The app when `userId` owns it; null for someone else's app or none (both answer 404). */
export async function ownedApp(
  db: Kysely<Database>,
  appId: string,
  userId: string
): Promise<AppState | null> {
  const row = await appQuery(db)
    .where('apps.id', '=', appId)
    .where('apps.user_id', '=', userId)
    .executeTakeFirst();
  return row ? toState(row) : null;
}

export async function appById(db: Kysely<Database>, appId: string): Promise<AppState | null> {
  const row = await appQuery(db).where('apps.id', '=', appId).executeTakeFirst();
  return row ? toState(row) : null;
}

/**
 * Serialises key actions of one app on PostgreSQL (`SELECT … FOR UPDATE` on the app row). On
 * SQLite the single connection already runs one write transaction at a time.
 */
export async function lockApp(trx: Kysely<Database>, dialect: Dialect, appId: string) {
  if (dialect !== 'postgres') return;
  await sql`select id from apps where id = ${appId} for update`.execute(trx);
}
