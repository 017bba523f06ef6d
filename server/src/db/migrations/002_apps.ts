import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Registered apps and the sync bookkeeping (DESIGN.md §4): apps owned by a merchant (a user),
 * their logos, the per-merchant version counter that stamps every change (the pull cursor),
 * one row per browser database (sync client) with the last mutation applied for it, and the
 * rejections stored for mutations that were refused.
 *
 * Counters and mutation ids are BIGINT (the pg driver returns them as strings; the stores
 * convert). Tombstones: `deleted_at` is set instead of deleting, so a pull can tell clients.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // appNameKey(name): case- and width-folded, unique among the merchant's live apps.
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('city', 'text')
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('logo_hash', 'text')
    .addColumn('version', 'bigint', (c) => c.notNull())
    // The sync client whose mutation made the last change (see the baseVersion rule).
    .addColumn('last_client_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addCheckConstraint('apps_status', sql`status in ('active', 'disabled')`)
    .execute();
  await db.schema
    .createIndex('apps_user_version')
    .on('apps')
    .columns(['user_id', 'version'])
    .execute();
  await db.schema
    .createIndex('apps_user_name_key')
    .on('apps')
    .columns(['user_id', 'name_key'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('app_logos')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    // SHA-256 of the bytes, hex: the `?v=` of the logo URL, so a cached copy is never stale.
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', binary, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('merchant_versions')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('last_mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_clients_user').on('sync_clients').column('user_id').execute();

  await db.schema
    .createTable('sync_rejections')
    .addColumn('client_id', 'text', (c) =>
      c.notNull().references('sync_clients.id').onDelete('cascade')
    )
    .addColumn('mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    // JSON object: field → message.
    .addColumn('fields', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_rejections_pk', ['client_id', 'mutation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sync_rejections', 'sync_clients', 'merchant_versions', 'app_logos', 'apps']) {
    await db.schema.dropTable(t).execute();
  }
}
