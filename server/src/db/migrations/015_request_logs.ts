import type { Kysely } from 'kysely';

/**
 * Integration tools, part one (issue 17).
 *
 * `request_logs`: one row per `/v1` call that names an app, written in batches off the
 * request's path (payments/usage.ts) and kept 30 days. Bodies are stored with every secret,
 * token and signature already replaced by "[redacted]"; the key is kept as its id (the
 * console shows the public key's beginning). Read newest first by (created_at, id).
 *
 * `idempotency_keys`: the `Idempotency-Key` of a POST under `/v1`, per app, for 24 hours: the
 * request's fingerprint (SHA-256, never the body) and, once answered, the answer sealed with
 * the server's secrets key (it may hold an `x-signature`).
 *
 * `api_keys.last_used_at` exists since 003; it is now written at most once a minute per pair.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('ks_code', 'integer')
    .addColumn('latency_us', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('origin', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('idempotent_replay', 'integer', (c) => c.notNull())
    .addColumn('request_body', 'text')
    .addColumn('response_body', 'text')
    .execute();
  await db.schema
    .createIndex('request_logs_app_created')
    .on('request_logs')
    .columns(['app_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('request_logs_created')
    .on('request_logs')
    .column('created_at')
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('locked_at', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('response_sealed', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['app_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('request_logs').execute();
}
