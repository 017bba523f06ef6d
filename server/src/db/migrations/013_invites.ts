import { sql, type Kysely } from 'kysely';

/**
 * Invitations to join a business (issue 16).
 *
 * `invites`: one row per invitation mailed. Only the SHA-256 of its token is stored; the token
 * itself exists only in the mail (`/invite#token=…`). An invitation is open until it is
 * accepted, revoked or expired (`expires_at`, 7 days). Re-inviting an address revokes its open
 * invitation first, so at most one per (business, address) is open: the partial unique index
 * holds that even if two invitations to one address race.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) =>
      c.notNull().references('businesses.id').onDelete('cascade')
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('invites_open_per_address')
    .on('invites')
    .columns(['business_id', 'email'])
    .unique()
    .where(sql.ref('accepted_at'), 'is', null)
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invites').execute();
}
