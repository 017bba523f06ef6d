import { sql, type Kysely } from 'kysely';

/**
 * API keys, the tokens they are exchanged for, sandbox transactions, the Settings activity
 * log and the per-app browser origin allow-list. Every row belongs to an app (002_apps).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull().unique())
    // SHA-256 of the secret key, hex: the secret itself is never stored.
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('disabled_at', 'text')
    .addColumn('replaced_by', 'text')
    .addColumn('last_used_at', 'text')
    .addCheckConstraint(
      'api_keys_status',
      sql`status in ('active', 'expiring', 'disabled', 'replaced')`
    )
    .execute();
  await db.schema
    .createIndex('api_keys_app_created')
    .on('api_keys')
    .columns(['app_id', 'created_at'])
    .execute();
  // The invariant "at most one active pair per app" lives in the database, so no interleaving
  // of concurrent requests (or a bug in the transaction logic) can ever break it.
  await db.schema
    .createIndex('api_keys_one_active_per_app')
    .on('api_keys')
    .column('app_id')
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();

  await db.schema
    .createTable('access_tokens')
    // SHA-256 of the bearer token, hex.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addCheckConstraint('access_tokens_kind', sql`kind in ('access', 'refresh')`)
    .execute();
  await db.schema.createIndex('access_tokens_key').on('access_tokens').column('key_id').execute();
  await db.schema
    .createIndex('access_tokens_expires')
    .on('access_tokens')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('key_id', 'text', (c) => c.references('api_keys.id').onDelete('set null'))
    .addColumn('reference_number', 'text', (c) => c.notNull())
    .addColumn('provider_order_id', 'text', (c) => c.notNull())
    .addColumn('currency_id', 'text', (c) => c.notNull())
    .addColumn('currency_code', 'text', (c) => c.notNull())
    .addColumn('payment_method_id', 'text', (c) => c.notNull())
    .addColumn('payment_mode', 'text', (c) => c.notNull())
    .addColumn('gateway', 'text', (c) => c.notNull())
    // Minor units (cents): sums stay exact; at most 10,000,000.00 fits a 32-bit integer.
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('transactions_app_reference', ['app_id', 'reference_number'])
    .addCheckConstraint(
      'transactions_status',
      sql`status in ('initiated', 'success', 'failed', 'pending')`
    )
    .execute();
  await db.schema
    .createIndex('transactions_app_created')
    .on('transactions')
    .columns(['app_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_app_at')
    .on('audit_log')
    .columns(['app_id', 'at'])
    .execute();

  await db.schema
    .createTable('app_domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addUniqueConstraint('app_domains_app_origin', ['app_id', 'origin'])
    .execute();
  await db.schema.createIndex('app_domains_origin').on('app_domains').column('origin').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['app_domains', 'audit_log', 'transactions', 'access_tokens', 'api_keys']) {
    await db.schema.dropTable(t).execute();
  }
}
