import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Teams (issue 16): data belongs to a business, people are its members with a role.
 *
 * Every existing account becomes the Owner of its own business, whose id is the account's id
 * with the `bu_` prefix (`us_abc…` → `bu_abc…`), so every user-keyed row maps to its business
 * without a lookup, and whose name is the company profile's business name if one was saved,
 * else "<name>'s business". Then ownership moves from the user to the business:
 * `apps.business_id`, `merchant_versions` and `company_profiles` keyed by business,
 * `sync_clients.business_id` (a client is one replica of one business for one person) and
 * `audit_log.business_id` (with `app_id` nullable: team actions belong to no app).
 *
 * PostgreSQL alters the tables in place inside the migrator's transaction. SQLite cannot change
 * a column's foreign key or nullability, so it rebuilds those tables (sqlite.org/lang_altertable,
 * "other kinds of table schema changes"): foreign keys off (dropping a parent table would
 * otherwise cascade into its children), one transaction, a foreign-key check before commit.
 */
const BUSINESS_OF = (column: string) => sql.raw(`'bu_' || substr(${column}, 4)`);

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await createTeams(db);
    await alterInPlace(db);
    return;
  }
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  const foreignKeys = rows[0]?.foreign_keys === 1;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await createTeams(db);
      await rebuildSqlite(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('012_teams: foreign key check failed');
      await sql`commit`.execute(db);
    } catch (e) {
      await sql`rollback`.execute(db);
      throw e;
    }
  } finally {
    if (foreignKeys) await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** `businesses` and `memberships`, and every account as the Owner of its own business. */
async function createTeams(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('businesses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('memberships')
    .addColumn('business_id', 'text', (c) =>
      c.notNull().references('businesses.id').onDelete('cascade')
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_active_at', 'text')
    .addPrimaryKeyConstraint('memberships_pk', ['business_id', 'user_id'])
    .addCheckConstraint('memberships_role', sql`role in ('owner', 'admin', 'developer', 'viewer')`)
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

  await sql`
    insert into businesses (id, name, created_at)
    select ${BUSINESS_OF('u.id')},
           coalesce(nullif(trim(cp.business_name), ''), u.name || '''s business'),
           u.created_at
    from users u left join company_profiles cp on cp.user_id = u.id`.execute(db);
  await sql`
    insert into memberships (business_id, user_id, role, created_at, last_active_at)
    select ${BUSINESS_OF('id')}, id, 'owner', created_at, null from users`.execute(db);
}

async function alterInPlace(db: Kysely<unknown>): Promise<void> {
  // apps: user_id → business_id
  await sql`alter table apps add column business_id text references businesses(id) on delete cascade`.execute(
    db
  );
  await sql`update apps set business_id = ${BUSINESS_OF('user_id')}`.execute(db);
  await sql`alter table apps alter column business_id set not null`.execute(db);
  await sql`drop index apps_user_version`.execute(db);
  await sql`drop index apps_user_name_key`.execute(db);
  await sql`alter table apps drop column user_id`.execute(db);
  await appIndexes(db);

  // merchant_versions and company_profiles: keyed by business instead of user
  for (const table of ['merchant_versions', 'company_profiles']) {
    const t = sql.table(table);
    await sql`alter table ${t} add column business_id text references businesses(id) on delete cascade`.execute(
      db
    );
    await sql`update ${t} set business_id = ${BUSINESS_OF('user_id')}`.execute(db);
    await sql`alter table ${t} drop column user_id`.execute(db);
    await sql`alter table ${t} add primary key (business_id)`.execute(db);
  }

  // sync_clients: the business this replica belongs to
  await sql`alter table sync_clients add column business_id text references businesses(id) on delete cascade`.execute(
    db
  );
  await sql`update sync_clients set business_id = ${BUSINESS_OF('user_id')}`.execute(db);
  await sql`alter table sync_clients alter column business_id set not null`.execute(db);
  await syncClientIndex(db);

  // audit_log: the business (from its app), and no app for team actions
  await sql`alter table audit_log add column business_id text references businesses(id) on delete cascade`.execute(
    db
  );
  await sql`update audit_log set business_id = (select business_id from apps where apps.id = audit_log.app_id)`.execute(
    db
  );
  await sql`alter table audit_log alter column business_id set not null`.execute(db);
  await sql`alter table audit_log alter column app_id drop not null`.execute(db);
  await auditIndex(db);
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apps_012')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) =>
      c.notNull().references('businesses.id').onDelete('cascade')
    )
    .addColumn('name', 'text', (c) => c.notNull())
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
    .addColumn('last_client_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addCheckConstraint('apps_status', sql`status in ('active', 'disabled')`)
    .execute();
  await sql`
    insert into apps_012 (id, business_id, name, name_key, email, address, phone, country, state,
      city, postal_code, status, logo_hash, version, last_client_id, created_at, updated_at,
      deleted_at)
    select id, ${BUSINESS_OF('user_id')}, name, name_key, email, address, phone, country, state,
      city, postal_code, status, logo_hash, version, last_client_id, created_at, updated_at,
      deleted_at
    from apps`.execute(db);
  await replace(db, 'apps');
  await appIndexes(db);

  await db.schema
    .createTable('merchant_versions_012')
    .addColumn('business_id', 'text', (c) =>
      c.primaryKey().references('businesses.id').onDelete('cascade')
    )
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`
    insert into merchant_versions_012 (business_id, version)
    select ${BUSINESS_OF('user_id')}, version from merchant_versions`.execute(db);
  await replace(db, 'merchant_versions');

  await db.schema
    .createTable('company_profiles_012')
    .addColumn('business_id', 'text', (c) =>
      c.primaryKey().references('businesses.id').onDelete('cascade')
    )
    .addColumn('business_name', 'text')
    .addColumn('website', 'text')
    .addColumn('address', 'text')
    .addColumn('country', 'text')
    .addColumn('state', 'text')
    .addColumn('city', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`
    insert into company_profiles_012 (business_id, business_name, website, address, country,
      state, city, postal_code, updated_at)
    select ${BUSINESS_OF('user_id')}, business_name, website, address, country, state, city,
      postal_code, updated_at
    from company_profiles`.execute(db);
  await replace(db, 'company_profiles');

  await db.schema
    .createTable('sync_clients_012')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('business_id', 'text', (c) =>
      c.notNull().references('businesses.id').onDelete('cascade')
    )
    .addColumn('last_mutation_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`
    insert into sync_clients_012 (id, user_id, business_id, last_mutation_id, created_at,
      updated_at)
    select id, user_id, ${BUSINESS_OF('user_id')}, last_mutation_id, created_at, updated_at
    from sync_clients`.execute(db);
  await replace(db, 'sync_clients');
  await db.schema.createIndex('sync_clients_user').on('sync_clients').column('user_id').execute();
  await syncClientIndex(db);

  await db.schema
    .createTable('audit_log_012')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) =>
      c.notNull().references('businesses.id').onDelete('cascade')
    )
    .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await sql`
    insert into audit_log_012 (id, business_id, app_id, action, key_id, detail, actor_id, ip,
      user_agent, at)
    select l.id, a.business_id, l.app_id, l.action, l.key_id, l.detail, l.actor_id, l.ip,
      l.user_agent, l.at
    from audit_log l left join apps a on a.id = l.app_id`.execute(db);
  await replace(db, 'audit_log');
  await db.schema
    .createIndex('audit_log_app_at')
    .on('audit_log')
    .columns(['app_id', 'at'])
    .execute();
  await auditIndex(db);
}

/** Swaps the rebuilt `<table>_012` in for `table` (foreign keys are off meanwhile). */
async function replace(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.dropTable(table).execute();
  await db.schema.alterTable(`${table}_012`).renameTo(table).execute();
}

async function appIndexes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('apps_business_version')
    .on('apps')
    .columns(['business_id', 'version'])
    .execute();
  // appNameKey(name) is unique among the business's live apps.
  await db.schema
    .createIndex('apps_business_name_key')
    .on('apps')
    .columns(['business_id', 'name_key'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}

async function syncClientIndex(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('sync_clients_business')
    .on('sync_clients')
    .column('business_id')
    .execute();
}

async function auditIndex(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('audit_log_business_at')
    .on('audit_log')
    .columns(['business_id', 'at'])
    .execute();
}
