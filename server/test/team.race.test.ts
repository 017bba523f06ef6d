import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createMerchant, type Merchant, type TestServer } from './helpers/security';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';
import {
  accept,
  invite,
  inviteToken,
  joined,
  ownBusiness,
  roles,
  team,
  teamPath
} from './helpers/team';

const ROUNDS = 8;

/**
 * "A business keeps at least one Owner" under real concurrency: on PostgreSQL the requests run
 * on separate pooled connections at once, so only the business lock (`teamStore.lock`) orders
 * them; on SQLite the one writer does.
 */
describeEachDialect('team: concurrent changes keep at least one Owner', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    // Many invitation links from one address: the per-address limit is not what is tested here.
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
  });
  afterAll(() => t.close());

  /** A business with two Owners. */
  async function twoOwners() {
    const a = await createMerchant(t);
    const businessId = await ownBusiness(t, a);
    const b = await joined(t, a, businessId, 'owner');
    return { a, b, businessId };
  }
  const owners = async (m: Merchant, businessId: string) =>
    Object.values(await roles(t, m, businessId)).filter((r) => r === 'owner').length;

  it('two Owners demoting each other at once leave exactly one Owner', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { a, b, businessId } = await twoOwners();
      const demote = (by: Merchant, who: Merchant) =>
        call(t, 'PATCH', teamPath(businessId, `/members/${who.id}`), {
          cookie: by.cookie,
          body: { role: 'admin' }
        });
      const answers = await Promise.all([demote(a, b), demote(b, a)]);
      const statuses = answers.map((r) => r.status).sort();
      // The second sees the first's change: it is no longer an Owner (403), or it would
      // leave none (409).
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      expect(await owners(a, businessId)).toBe(1);
    }
  });

  it('two Owners leaving at once: one leaves, the other stays Owner', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { a, b, businessId } = await twoOwners();
      const leave = (m: Merchant) =>
        call(t, 'DELETE', teamPath(businessId, `/members/${m.id}`), { cookie: m.cookie });
      const answers = await Promise.all([leave(a), leave(b)]);
      expect(answers.map((r) => r.status).sort()).toEqual([204, 409]);
      const stayed = answers[0]?.status === 409 ? a : b;
      expect(await roles(t, stayed, businessId)).toEqual({ [stayed.email]: 'owner' });
    }
  });

  it('an Owner transferring while the other Owner demotes them keeps one or two Owners, never none', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { a, b, businessId } = await twoOwners();
      const c = await joined(t, a, businessId, 'developer');
      await Promise.all([
        call(t, 'POST', teamPath(businessId, '/transfer'), {
          cookie: a.cookie,
          body: { userId: c.id }
        }),
        call(t, 'PATCH', teamPath(businessId, `/members/${a.id}`), {
          cookie: b.cookie,
          body: { role: 'viewer' }
        }),
        call(t, 'DELETE', teamPath(businessId, `/members/${b.id}`), { cookie: b.cookie })
      ]);
      expect(await owners(c, businessId)).toBeGreaterThanOrEqual(1);
    }
  });

  it('uses an invitation once when it is accepted twice at once', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const m = await createMerchant(t);
    await invite(t, owner, businessId, m.email, 'developer');
    const token = inviteToken(t, m.email);
    const answers = await Promise.all([
      accept(t, { token }, m.cookie),
      accept(t, { token }, m.cookie),
      accept(t, { token, name: 'Twin', password: 'a walk by the Neckar river' })
    ]);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 410 || s === 409)).toBe(true);
    expect((await roles(t, owner, businessId))[m.email]).toBe('developer');
  });

  it('two invitations to one address at once leave one open invitation', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const email = `twice-${dialect}@example.com`;
    const answers = await Promise.all([
      invite(t, owner, businessId, email, 'viewer'),
      invite(t, owner, businessId, email, 'admin')
    ]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const { invites } = await team(t, owner, businessId);
    expect(invites.filter((i) => i.email === email)).toHaveLength(1);
  });
});
