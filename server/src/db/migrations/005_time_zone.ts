import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The merchant's own time zone.
 *
 * `users.time_zone`: the account's IANA zone, in which the console draws every day boundary.
 * Accounts made before it get `UTC` (what they were shown until now); the web app offers to
 * change it on the Profile page.
 *
 * `transaction_quarter`: per app, 15-minute bucket (UTC start, epoch seconds), currency and
 * status, the number of transactions and their amount in minor units. Every zone's offset is a
 * whole number of quarter hours and changes only on a quarter hour, so a local day in any zone
 * is an exact union of buckets: the overview sums them per local day. Like `transaction_daily`
 * (which still answers the all-time totals), the store changes it in the same database
 * transaction as every insert and status change, so it always equals a recount, and its size
 * grows with time, not with the number of transactions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .alterTable('users')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .execute();

  await db.schema
    .createTable('transaction_quarter')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('volume_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('transaction_quarter_pk', ['app_id', 'bucket', 'currency', 'status'])
    .addCheckConstraint(
      'transaction_quarter_status',
      sql`status in ('initiated', 'success', 'failed', 'pending')`
    )
    // SQLite: the primary key is the table's order, so a range of buckets is read in place.
    .$call((t) => (postgres ? t : t.modifyEnd(sql`without rowid`)))
    .execute();

  // Rows written before this migration: one recount, after which the store keeps it exact.
  const epoch = postgres
    ? sql`floor(extract(epoch from created_at::timestamptz))::bigint`
    : sql`cast(strftime('%s', created_at) as integer)`;
  await sql`
    insert into transaction_quarter (app_id, bucket, currency, status, count, volume_minor)
    select app_id, (${epoch} / 900) * 900 as bucket, currency_code, status, count(*), sum(amount_minor)
    from transactions
    group by app_id, (${epoch} / 900) * 900, currency_code, status
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('transaction_quarter').execute();
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
}
