import type { Kysely } from 'kysely';

/**
 * Second factors and passkeys (issue 14).
 *
 * `totp_factors`: one per account. `secret_enc` is the RFC 6238 secret sealed with AES-256-GCM
 * under `SECRETS_KEY` (lib/secret-box.ts), so the database alone cannot mint codes.
 * `confirmed_at` is null while set-up waits for the first code; `last_step` is the last
 * accepted 30-second step, so each code is accepted once.
 *
 * `recovery_codes`: SHA-256 of each code (80 random bits), single use (`used_at`).
 *
 * `passkeys`: WebAuthn credentials: credential id (base64url, unique), COSE public key
 * (base64url), signature counter, backup flags and transports.
 *
 * `auth_challenges`: short-lived single-use secrets, by SHA-256: the pending step of a sign-in
 * that still needs its second factor (`purpose = 'sign-in'`, bound to the account) and WebAuthn
 * challenges (`passkey-register` bound to the account, `passkey-assert` to nobody: the
 * credential names its owner).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('totp_factors')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recovery_codes_user')
    .on('recovery_codes')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('passkeys_user').on('passkeys').column('user_id').execute();

  await db.schema
    .createTable('auth_challenges')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('auth_challenges_expiry')
    .on('auth_challenges')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['auth_challenges', 'passkeys', 'recovery_codes', 'totp_factors']) {
    await db.schema.dropTable(t).execute();
  }
}
