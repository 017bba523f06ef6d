import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Per-zone local-day totals, so the overview reads a few rows per day of its window instead of
 * every 15-minute bucket in it (bench "overview": its cost must not grow with transactions).
 *
 * `transaction_zone`: the zones an app's overview has been asked in, each with `from_day`: every
 * local day of that zone from `from_day` on is kept in `transaction_local_day`. The overview
 * fills a zone's days from `transaction_quarter` the first time it needs them (and further
 * back if a longer window needs more); from then on the store changes the cell of the
 * transaction's local day, in every registered zone, in the same database transaction as the
 * insert or status change — so, like the other rollups, it always equals a recount.
 *
 * `transaction_local_day`: per app, zone, local day (YYYY-MM-DD in that zone), currency and
 * status, the number of transactions and their amount in minor units.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const inPlace = <T extends { modifyEnd(s: ReturnType<typeof sql>): T }>(t: T) =>
    postgres ? t : t.modifyEnd(sql`without rowid`);

  await db.schema
    .createTable('transaction_zone')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('from_day', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('transaction_zone_pk', ['app_id', 'time_zone'])
    .$call(inPlace)
    .execute();

  await db.schema
    .createTable('transaction_local_day')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('volume_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('transaction_local_day_pk', [
      'app_id',
      'time_zone',
      'day',
      'currency',
      'status'
    ])
    .addCheckConstraint(
      'transaction_local_day_status',
      sql`status in ('initiated', 'success', 'failed', 'pending')`
    )
    // SQLite: the primary key is the table's order, so a zone's window of days is read in place.
    .$call(inPlace)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('transaction_local_day').execute();
  await db.schema.dropTable('transaction_zone').execute();
}
