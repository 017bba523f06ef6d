import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db';
import type { Database } from '../db/schema';
import type { Role } from '@kspay/shared/roles';

/**
 * The few reads of the `apps` table (owned by the apps work) that keys, domains and the
 * payments API need: ownership, status and creation time. Kept in one place so the apps
 * schema is touched from here only.
 */
export interface AppState {
  id: string;
  /** The business that owns the app (012_teams). */
  businessId: string;
  status: string;
  createdAt: string;
}

/** An app as one member of its business sees it: with that member's role, read just now. */
export interface MemberAppState extends AppState {
  role: Role;
  /** The membership's last recorded activity (see businessStore.touch). */
  lastActiveAt: string | null;
}

function appQuery(db: Kysely<Database>) {
  return db
    .selectFrom('apps')
    .select(['apps.id', 'apps.business_id', 'apps.status', 'apps.created_at'])
    .where('apps.deleted_at', 'is', null);
}

function toState(r: {
  id: string;
  business_id: string;
  status: string;
  created_at: string;
}): AppState {
  return { id: r.id, businessId: r.business_id, status: r.status, createdAt: r.created_at };
}

/**
 * The live app with the caller's role in its business, in one read of committed state; null
 * when the app is missing or the caller is not a member of its business (both answer 404).
 */
export async function memberApp(
  db: Kysely<Database>,
  appId: string,
  userId: string
): Promise<MemberAppState | null> {
  const row = await appQuery(db)
    .innerJoin('memberships', 'memberships.business_id', 'apps.business_id')
    .select(['memberships.role', 'memberships.last_active_at'])
    .where('apps.id', '=', appId)
    .where('memberships.user_id', '=', userId)
    .executeTakeFirst();
  return row ? { ...toState(row), role: row.role, lastActiveAt: row.last_active_at } : null;
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
