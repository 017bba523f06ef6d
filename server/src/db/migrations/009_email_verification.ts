import type { Kysely } from 'kysely';

/**
 * Verified email addresses and failed-attempt counters that strangers cannot use to lock anyone
 * out (issue 14).
 *
 * `users.email_verified_at`: when the account's address was proven by its link; null until then.
 * Accounts made before this migration stay null: nobody proved those addresses either, and
 * their owners get the same "Verify your email" banner and link as a new account.
 *
 * `email_verifications`: one row per mailed link, only the SHA-256 of its token, single use,
 * with an expiry (store/email-verifications.ts).
 *
 * `auth_failures`: failed password attempts per (account, source): `account` names what was
 * attacked (`sign-in:` + SHA-256 of the email, or `reauth:` + a session's token hash), `source`
 * the address it came from (hashed). Each pair earns its own growing delay; no row locks an
 * account as a whole (store/auth-failures.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();

  await db.schema
    .createTable('email_verifications')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('email_verifications_user')
    .on('email_verifications')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('auth_failures')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_failures_pk', ['account', 'source'])
    .execute();
  await db.schema
    .createIndex('auth_failures_last')
    .on('auth_failures')
    .column('last_failure_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth_failures').execute();
  await db.schema.dropTable('email_verifications').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
