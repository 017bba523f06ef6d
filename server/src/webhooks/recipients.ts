import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** Who is told when an endpoint is disabled: the Owners and Admins of the app's business. */
export async function recipientsForApp(db: Kysely<Database>, appId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('apps')
    .innerJoin('memberships', 'memberships.business_id', 'apps.business_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('apps.id', '=', appId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .orderBy('users.email')
    .execute();
  return rows.map((r) => r.email);
}
