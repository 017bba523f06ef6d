import { sql, type Kysely } from 'kysely';
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
  if (dialect === 'sqlite') {
    // The single write connection is the lock: read, and write only a missing row.
    await tx
      .insertInto('merchant_versions')
      .values({ business_id: businessId, version: 0 })
      .onConflict((oc) => oc.column('business_id').doNothing())
      .execute();
    const row = await tx
      .selectFrom('merchant_versions')
      .select('version')
      .where('business_id', '=', businessId)
      .executeTakeFirstOrThrow();
    return Number(row.version);
  }
  // One statement: ON CONFLICT DO UPDATE locks the existing row (as FOR UPDATE would, waiting
  // for a writer that holds it) and answers its version as of that writer's commit.
  const row = await tx
    .insertInto('merchant_versions')
    .values({ business_id: businessId, version: 0 })
    .onConflict((oc) =>
      oc.column('business_id').doUpdateSet({ version: sql<number>`merchant_versions.version` })
    )
    .returning('version')
    .executeTakeFirstOrThrow();
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

/**
 * The business's counter for ONE transaction that may make several changes (a sync push's
 * batch): locked at the first `next()`, held to commit, advanced in memory by `stamp()`, and
 * written back once by `write()` before commit. Same invariant as above, one lock and one
 * write per transaction instead of per change.
 */
export interface VersionCounter {
  /** The version the next change gets (takes the lock on first use). */
  next(): Promise<number>;
  /** The change stamped `version` (from `next()`) is made. */
  stamp(version: number): void;
  /** Writes the counter back if a change was stamped; call last, inside the transaction. */
  write(): Promise<void>;
}

export function versionCounter(
  tx: Kysely<Database>,
  dialect: Dialect,
  businessId: string
): VersionCounter {
  let current: number | null = null;
  let dirty = false;
  return {
    async next() {
      current ??= await lockMerchantVersion(tx, dialect, businessId);
      return current + 1;
    },
    stamp(version) {
      current = version;
      dirty = true;
    },
    async write() {
      if (dirty && current !== null) await stampMerchantVersion(tx, businessId, current);
    }
  };
}
