import type { Kysely } from 'kysely';

/**
 * The transaction history filtered by status (console `?status=`): with status right after
 * app_id and the keyset columns after it, a filtered page is one index seek in the same
 * (created_at, id) order as the unfiltered one, and its COUNT reads only that status's entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('transactions_app_status_created_id')
    .on('transactions')
    .columns(['app_id', 'status', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('transactions_app_status_created_id').execute();
}
