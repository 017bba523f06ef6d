import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Who is told when an endpoint is disabled: the business's Owners and Admins. Until apps
 * belong to businesses (issue 16) that is the app's owner; this is the one place to change.
 */
export async function recipientsForApp(db: Kysely<Database>, appId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('apps')
    .innerJoin('users', 'users.id', 'apps.user_id')
    .select('users.email')
    .where('apps.id', '=', appId)
    .execute();
  return rows.map((r) => r.email);
}
