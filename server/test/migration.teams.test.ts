import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate';
import { businessStore } from '../src/store/businesses';
import { FakeClock } from '../src/lib/clock';
import { describeEachDialect, freshDatabase } from './helpers/services';

/**
 * 012_teams on a database at 011 holding what `pnpm demo` makes (an account with a company
 * profile, two apps with logos, keys, tokens, transactions and their rollups, domains, audit
 * entries, a sync client with a refusal) plus a second account without a profile: nothing is
 * lost, every account owns its business, every row moves to its owner's business.
 */
const AT = '2026-11-01T10:00:00.000Z';
const ALICE = 'us_Alice0001';
const BOB = 'us_Bob000002';

async function seed011(db: Kysely<unknown>) {
  const ins = (table: string, rows: Record<string, unknown>[]) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema at 011
    (db as Kysely<any>).insertInto(table).values(rows).execute();
  const user = (id: string, email: string, name: string) => ({
    id,
    email,
    name,
    password_hash: 'scrypt$x',
    time_zone: 'Asia/Kolkata',
    email_verified_at: AT,
    created_at: AT,
    updated_at: AT
  });
  await ins('users', [
    user(ALICE, 'demo@kspay.example', 'Demo'),
    user(BOB, 'bob@x.example', 'Bob')
  ]);
  await ins('sessions', [
    {
      token_hash: 'h1',
      id: 'se_Session01',
      user_id: ALICE,
      created_at: AT,
      last_seen_at: AT,
      authenticated_at: AT,
      idle_expires_at: AT,
      absolute_expires_at: AT,
      ip: null,
      user_agent: null
    }
  ]);
  await ins('company_profiles', [
    {
      user_id: ALICE,
      business_name: 'Chai Holdings',
      website: null,
      address: '1 Road',
      country: 'IN',
      state: null,
      city: null,
      postal_code: null,
      updated_at: AT
    }
  ]);
  const app = (id: string, userId: string, name: string, version: number) => ({
    id,
    user_id: userId,
    name,
    name_key: name.toLowerCase(),
    email: 'p@x.example',
    address: '12 MG Road',
    phone: null,
    country: 'IN',
    state: null,
    city: null,
    postal_code: '560001',
    status: 'active',
    logo_hash: null,
    version,
    last_client_id: 'cl_Client0000000000001',
    created_at: AT,
    updated_at: AT,
    deleted_at: null
  });
  await ins('apps', [
    app('ap_Chai00001', ALICE, 'Chai & Co. Online', 1),
    app('ap_North0002', ALICE, 'Northwind Books', 2),
    app('ap_Bobs00003', BOB, 'Bob Shop', 1)
  ]);
  await ins('app_logos', [
    {
      app_id: 'ap_Chai00001',
      content_type: 'image/png',
      hash: 'ab',
      size: 3,
      bytes: new Uint8Array([1, 2, 3]),
      created_at: AT
    }
  ]);
  await ins('merchant_versions', [
    { user_id: ALICE, version: 2 },
    { user_id: BOB, version: 1 }
  ]);
  await ins('sync_clients', [
    {
      id: 'cl_Client0000000000001',
      user_id: ALICE,
      last_mutation_id: 3,
      created_at: AT,
      updated_at: AT
    }
  ]);
  await ins('sync_rejections', [
    {
      client_id: 'cl_Client0000000000001',
      mutation_id: 3,
      name: 'app.create',
      record_id: null,
      code: 'app_name_taken',
      message: 'taken',
      fields: null,
      created_at: AT
    }
  ]);
  await ins('api_keys', [
    {
      id: 'ak_Key000001',
      app_id: 'ap_Chai00001',
      mode: 'test',
      public_key: 'kspk_test_x',
      secret_hash: 'sh',
      secret_hint: 'hint',
      status: 'active',
      created_at: AT,
      created_by: ALICE,
      updated_at: AT,
      expires_at: null,
      disabled_at: null,
      replaced_by: null,
      last_used_at: null
    }
  ]);
  await ins('access_tokens', [
    {
      token_hash: 'th',
      kind: 'access',
      key_id: 'ak_Key000001',
      app_id: 'ap_Chai00001',
      created_at: AT,
      expires_at: AT
    }
  ]);
  await ins('transactions', [
    {
      id: 'tx_Tx0000001',
      app_id: 'ap_Chai00001',
      key_id: 'ak_Key000001',
      reference_number: 'r1',
      provider_order_id: 'o1',
      currency_id: 'c_WkmEe23LeI',
      currency_code: 'INR',
      payment_method_id: 'pm_Up1IndQ7x',
      payment_mode: 'UPI',
      gateway: 'sandbox',
      amount_minor: 1000,
      status: 'success',
      redirect_url: null,
      created_at: AT,
      updated_at: AT,
      signature_digest: null
    }
  ]);
  await ins('transaction_daily', [
    {
      app_id: 'ap_Chai00001',
      day: '2026-11-01',
      currency: 'INR',
      status: 'success',
      count: 1,
      volume_minor: 1000
    }
  ]);
  await ins('audit_log', [
    {
      id: 'au_Audit0001',
      app_id: 'ap_Chai00001',
      action: 'key.generated',
      key_id: 'ak_Key000001',
      detail: null,
      actor_id: ALICE,
      ip: '127.0.0.1',
      user_agent: 'test',
      at: AT
    },
    {
      id: 'au_Audit0002',
      app_id: 'ap_Bobs00003',
      action: 'domain.added',
      key_id: null,
      detail: 'https://bob.example',
      actor_id: BOB,
      ip: null,
      user_agent: null,
      at: AT
    }
  ]);
  await ins('app_domains', [
    {
      id: 'do_Domain001',
      app_id: 'ap_Bobs00003',
      origin: 'https://bob.example',
      created_at: AT,
      created_by: BOB
    }
  ]);
}

/** Every table except the five 012 reshapes and the migrator's own, as sorted JSON rows. */
const UNCHANGED = [
  'users',
  'sessions',
  'app_logos',
  'sync_rejections',
  'api_keys',
  'access_tokens',
  'transactions',
  'transaction_daily',
  'app_domains'
];
async function snapshot(db: Kysely<unknown>) {
  const out: Record<string, string[]> = {};
  for (const t of UNCHANGED) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
    out[t] = rows
      .map((r) =>
        JSON.stringify(r, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v
        )
      )
      .sort();
  }
  return out;
}

describeEachDialect('migration 012_teams', (dialect) => {
  let t: Awaited<ReturnType<typeof freshDatabase>>;
  let before: Record<string, string[]>;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    t = await freshDatabase(dialect, '011_profile');
    db = t.db.db as unknown as Kysely<unknown>;
    await seed011(db);
    before = await snapshot(db);
    await migrateToLatest(t.db.db);
  });
  afterAll(() => t.drop());

  it('loses no row of the tables it does not reshape', async () => {
    expect(await snapshot(db)).toEqual(before);
  });

  it('makes every account the Owner of its own business, named from its profile', async () => {
    const businesses = businessStore(t.db, new FakeClock());
    expect(await businessStore(t.db, new FakeClock()).forUser(ALICE)).toEqual([
      { id: 'bu_Alice0001', name: 'Chai Holdings', role: 'owner' }
    ]);
    expect(await businesses.forUser(BOB)).toEqual([
      { id: 'bu_Bob000002', name: "Bob's business", role: 'owner' }
    ]);
  });

  it('moves apps, versions, sync clients, profiles and audit entries to the business', async () => {
    const { db: k } = t.db;
    const apps = await k.selectFrom('apps').select(['id', 'business_id']).orderBy('id').execute();
    expect(apps).toEqual([
      { id: 'ap_Bobs00003', business_id: 'bu_Bob000002' },
      { id: 'ap_Chai00001', business_id: 'bu_Alice0001' },
      { id: 'ap_North0002', business_id: 'bu_Alice0001' }
    ]);
    const versions = await k.selectFrom('merchant_versions').selectAll().execute();
    expect(versions.map((v) => [v.business_id, Number(v.version)]).sort()).toEqual([
      ['bu_Alice0001', 2],
      ['bu_Bob000002', 1]
    ]);
    expect(
      await k.selectFrom('sync_clients').select(['id', 'user_id', 'business_id']).execute()
    ).toEqual([{ id: 'cl_Client0000000000001', user_id: ALICE, business_id: 'bu_Alice0001' }]);
    const profile = await k.selectFrom('company_profiles').selectAll().executeTakeFirstOrThrow();
    expect(profile).toMatchObject({ business_id: 'bu_Alice0001', business_name: 'Chai Holdings' });
    const audit = await k
      .selectFrom('audit_log')
      .select(['id', 'business_id', 'app_id', 'actor_id', 'action'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      {
        id: 'au_Audit0001',
        business_id: 'bu_Alice0001',
        app_id: 'ap_Chai00001',
        actor_id: ALICE,
        action: 'key.generated'
      },
      {
        id: 'au_Audit0002',
        business_id: 'bu_Bob000002',
        app_id: 'ap_Bobs00003',
        actor_id: BOB,
        action: 'domain.added'
      }
    ]);
  });

  it('keeps the constraints: names unique per business, cascades, nullable audit app', async () => {
    const { db: k } = t.db;
    const row = await k
      .selectFrom('apps')
      .selectAll()
      .where('id', '=', 'ap_North0002')
      .executeTakeFirstOrThrow();
    const copy = { ...row, version: Number(row.version) };
    await expect(
      k
        .insertInto('apps')
        .values({ ...copy, id: 'ap_Dup000001' })
        .execute()
    ).rejects.toThrow();
    await k
      .insertInto('audit_log')
      .values({
        id: 'au_Team00001',
        business_id: 'bu_Alice0001',
        app_id: null,
        action: 'member.invited',
        key_id: null,
        detail: null,
        actor_id: ALICE,
        ip: null,
        user_agent: null,
        at: AT
      })
      .execute();
    await expect(
      k
        .insertInto('memberships')
        .values({
          business_id: 'bu_Alice0001',
          user_id: BOB,
          role: 'boss' as 'owner',
          created_at: AT,
          last_active_at: null
        })
        .execute()
    ).rejects.toThrow();
    // Foreign keys are back on after the rebuild: a business that does not exist is refused.
    await expect(
      k
        .insertInto('apps')
        .values({ ...copy, id: 'ap_Orphan001', business_id: 'bu_Nobody001' })
        .execute()
    ).rejects.toThrow();
  });
});
