import type { Kysely } from 'kysely';
import type { Dialect } from '../db';
import type { Database } from '../db/schema';

/**
 * The per-business version counter behind the pull cursor (DESIGN.md §4).
 *
 * INVARIANT: for each business, the versions of committed changes always form a gap-free
 * prefix 1..V. A writer takes the business's counter row with `SELECT … FOR UPDATE` before it
 * reads or changes any app of that business, stamps its change with counter+1 and writes the
 * counter back in the same transaction; the row lock is held until commit or rollback. So a
 * writer holding version v+1 cannot even start before the writer of v has committed (or rolled
 * back, which also rolls the counter back and frees v for the next one). A reader that has seen
 * version M therefore can never later meet a newly committed row with a version <= M: the
 * cursor `max(version seen)` can never skip a row, however many writers run concurrently.
 * On SQLite the single write connection serialises transactions, which gives the same order.
 *
 * Taking this lock first also serialises all writes of one business, which makes the
 * "unique name" and `baseVersion` checks that follow it race-free.
 */
export async function lockMerchantVersion(
  tx: Kysely<Database>,
  dialect: Dialect,
  businessId: string
): Promise<number> {
  await tx
    .insertInto('merchant_versions')
    .values({ business_id: businessId, version: 0 })
    .onConflict((oc) => oc.column('business_id').doNothing())
    .execute();
  let q = tx
    .selectFrom('merchant_versions')
    .select('version')
    .where('business_id', '=', businessId);
  if (dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Records `version` as the business's latest; only call while holding the lock above. */
export async function stampMerchantVersion(
  tx: Kysely<Database>,
  businessId: string,
  version: number
): Promise<void> {
  await tx
    .updateTable('merchant_versions')
    .set({ version })
    .where('business_id', '=', businessId)
    .execute();
}
