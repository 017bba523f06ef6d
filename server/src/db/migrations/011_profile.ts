import { sql, type Kysely } from 'kysely';
import { newId } from '@kspay/shared/ids';

/**
 * The Profile page.
 *
 * `sessions.id`: a public name for each session (`se_…`), so "Active sessions" can list and end
 * sessions without the token's hash ever leaving the server. Sessions from before get one now.
 *
 * `email_changes`: a pending change of address. Only the SHA-256 of the confirmation token is
 * stored; the token itself exists only in the mail to the new address. Single use (`used_at`)
 * and short-lived (`expires_at`), like `password_resets`.
 *
 * `company_profiles`: the merchant's business details, one row per account, every field
 * optional (it moves to the business when accounts get teams).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('id', 'text').execute();
  const old = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(db);
  for (const r of old.rows) {
    await sql`update sessions set id = ${newId('se')} where token_hash = ${r.token_hash}`.execute(
      db
    );
  }
  await db.schema.createIndex('sessions_public_id').on('sessions').column('id').unique().execute();

  await db.schema
    .createTable('email_changes')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('email_changes_user_id')
    .on('email_changes')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('company_profiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('business_name', 'text')
    .addColumn('website', 'text')
    .addColumn('address', 'text')
    .addColumn('country', 'text')
    .addColumn('state', 'text')
    .addColumn('city', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('company_profiles').execute();
  await db.schema.dropTable('email_changes').execute();
  await db.schema.dropIndex('sessions_public_id').execute();
  await db.schema.alterTable('sessions').dropColumn('id').execute();
}
