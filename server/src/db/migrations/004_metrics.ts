import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * App Overview rollups and the indexes of the transaction history.
 *
 * `transaction_daily` holds, per app, UTC creation day, currency and status, how many
 * transactions there are and their amount in minor units. The transaction store changes it in
 * the same database transaction as every insert and status change, so at every commit it
 * equals a recount of `transactions` (a property test checks this); the overview reads only
 * these rows, whose number grows with days of history, not with transactions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('transaction_daily')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    // YYYY-MM-DD of the transaction's created_at (UTC).
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    // Minor units; BIGINT because a day's sum outgrows 32 bits long before a single amount does.
    .addColumn('volume_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('transaction_daily_pk', ['app_id', 'day', 'currency', 'status'])
    .addCheckConstraint(
      'transaction_daily_status',
      sql`status in ('initiated', 'success', 'failed', 'pending')`
    )
    .execute();

  // Rows written before this migration: one recount, after which the store keeps it exact.
  await sql`
    insert into transaction_daily (app_id, day, currency, status, count, volume_minor)
    select app_id, substr(created_at, 1, 10), currency_code, status, count(*), sum(amount_minor)
    from transactions
    group by app_id, substr(created_at, 1, 10), currency_code, status
  `.execute(db);

  // Keyset paging orders by (created_at, id) within an app: with id in the index, a page that
  // starts after any (created_at, id) is one index seek, however deep it is.
  await db.schema.dropIndex('transactions_app_created').execute();
  await db.schema
    .createIndex('transactions_app_created_id')
    .on('transactions')
    .columns(['app_id', 'created_at', 'id'])
    .execute();

  // Search by id prefix is a range [q, q + '{') in byte order (ids are [A-Za-z0-9_], all below
  // '{'). SQLite compares bytes already; PostgreSQL needs the C collation for that order.
  await sql`create index transactions_app_id_prefix on transactions (app_id, ${sql.raw(
    postgres ? 'id collate "C"' : 'id'
  )})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('transactions_app_id_prefix').execute();
  await db.schema.dropIndex('transactions_app_created_id').execute();
  await db.schema
    .createIndex('transactions_app_created')
    .on('transactions')
    .columns(['app_id', 'created_at'])
    .execute();
  await db.schema.dropTable('transaction_daily').execute();
}
