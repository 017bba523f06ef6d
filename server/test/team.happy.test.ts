import {
  INVITE_TTL_MS,
  inviteResponseSchema,
  invitePreviewSchema,
  joinedBusinessSchema,
  sessionInfoSchema,
  teamMemberSchema,
  teamResponseSchema
} from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { businessStore } from '../src/store/businesses';
import {
  call,
  createMerchant,
  expectError,
  sessionCookieOf,
  type TestServer
} from './helpers/security';
import { freshSession } from './helpers/history';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';
import {
  accept,
  businessWithTeam,
  invite,
  inviteToken,
  ownBusiness,
  preview,
  roles,
  team,
  teamPath
} from './helpers/team';

const PASSWORD = 'a walk by the Neckar river';

describeEachDialect('team: invite, join, roles, leave, transfer', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    // The suite opens many links from one address; the limits have their own case.
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
  });
  afterAll(() => t.close());

  let n = 0;
  const freshEmail = () => `invitee-${++n}-${dialect}@example.com`;

  const auditOf = (businessId: string) =>
    t.services.db.db
      .selectFrom('audit_log')
      .select(['action', 'detail', 'actor_id', 'app_id'])
      .where('business_id', '=', businessId)
      .orderBy('at')
      .orderBy('id')
      .execute();

  it('invites by mail, and the link creates a verified, signed-in account that is a member', async () => {
    const owner = await createMerchant(t, { name: 'Asha' });
    const businessId = await ownBusiness(t, owner);
    const email = freshEmail();

    const res = await invite(t, owner, businessId, email, 'developer');
    expect(res.status).toBe(201);
    const { invite: created } = inviteResponseSchema.parse(await res.json());
    expect(created).toMatchObject({
      email,
      role: 'developer',
      invitedBy: { name: 'Asha', email: owner.email }
    });
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(INVITE_TTL_MS);

    const mail = t.mailer.sent.filter((m) => m.to === email);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text).toContain(`${t.services.config.publicOrigin}/invite#token=`);
    expect(mail[0]?.text).toContain(owner.email);
    const token = inviteToken(t, email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await team(t, owner, businessId);
    expect(listed.invites.map((i) => i.email)).toEqual([email]);

    const seen = invitePreviewSchema.parse(await (await preview(t, token)).json());
    expect(seen).toMatchObject({ role: 'developer', email, hasAccount: false });
    expect(seen.businessName).toBe("Asha's business");

    const joinedRes = await accept(t, { token, name: 'Ravi', password: PASSWORD });
    expect(joinedRes.status).toBe(201);
    const { business } = joinedBusinessSchema.parse(await joinedRes.json());
    expect(business).toEqual({ id: businessId, name: "Asha's business", role: 'developer' });
    const cookie = sessionCookieOf(t, joinedRes);
    expect(cookie).not.toBeNull();
    const me = sessionInfoSchema.parse(
      await (await call(t, 'GET', '/api/auth/session', { cookie: cookie! })).json()
    );
    expect(me).toMatchObject({ user: { email, name: 'Ravi' }, emailVerified: true });

    // Sign-up's path: the new account also owns a business of its own.
    const theirs = await businessStore(t.services.db, t.clock).forUser(me.user.id);
    expect(theirs.map((b) => b.role).sort()).toEqual(['developer', 'owner']);

    const after = teamResponseSchema.parse(await team(t, owner, businessId));
    expect(after.invites).toEqual([]);
    expect(after.members.map((m) => [m.email, m.role])).toEqual([
      [owner.email, 'owner'],
      [email, 'developer']
    ]);
    // The new member signs in with the password chosen on the invitation page.
    const signIn = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email, password: PASSWORD }
    });
    expect(signIn.status).toBe(200);
  });

  it('lets an existing account accept while signed in, and marks its address verified', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const member = await createMerchant(t, { unverified: true });
    expect((await invite(t, owner, businessId, member.email, 'viewer')).status).toBe(201);
    const token = inviteToken(t, member.email);
    expect(invitePreviewSchema.parse(await (await preview(t, token)).json()).hasAccount).toBe(true);

    const res = await accept(t, { token }, member.cookie);
    expect(res.status).toBe(200);
    expect(joinedBusinessSchema.parse(await res.json()).business).toMatchObject({
      id: businessId,
      role: 'viewer'
    });
    expect(await roles(t, owner, businessId)).toEqual({
      [owner.email]: 'owner',
      [member.email]: 'viewer'
    });
    // The member reads the team page of the business joined, too.
    expect((await team(t, member, businessId)).members).toHaveLength(2);
    const me = await call(t, 'GET', '/api/auth/session', { cookie: member.cookie });
    expect(sessionInfoSchema.parse(await me.json()).emailVerified).toBe(true);
    // The link is used up.
    await expectError(await accept(t, { token }, member.cookie), 410, 'invalid_invite_token');
  });

  it('revokes an invitation: it leaves the list and its link answers 410', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const email = freshEmail();
    const { invite: created } = inviteResponseSchema.parse(
      await (await invite(t, owner, businessId, email, 'admin')).json()
    );
    const token = inviteToken(t, email);
    const res = await call(t, 'DELETE', teamPath(businessId, `/invites/${created.id}`), {
      cookie: owner.cookie
    });
    expect(res.status).toBe(204);
    expect((await team(t, owner, businessId)).invites).toEqual([]);
    await expectError(await preview(t, token), 410, 'invalid_invite_token');
    await expectError(
      await accept(t, { token, name: 'Late', password: PASSWORD }),
      410,
      'invalid_invite_token'
    );
    expect(
      await t.services.db.db.selectFrom('users').select('id').where('email', '=', email).execute()
    ).toEqual([]);
  });

  it('expires an invitation after 7 days', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const email = freshEmail();
    await invite(t, owner, businessId, email, 'viewer');
    const token = inviteToken(t, email);
    t.clock.advance(INVITE_TTL_MS - 1000);
    expect((await preview(t, token)).status).toBe(200);
    t.clock.advance(2000);
    await expectError(await preview(t, token), 410, 'invalid_invite_token');
    await expectError(
      await accept(t, { token, name: 'Late', password: PASSWORD }),
      410,
      'invalid_invite_token'
    );
    // (Sessions idle out after 7 days too: the Owner signs in again.)
    expect((await team(t, await freshSession(t, owner), businessId)).invites).toEqual([]);
  });

  it('replaces an open invitation to the same address: new token, new mail, old link dead', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const email = freshEmail();
    await invite(t, owner, businessId, email, 'viewer');
    const first = inviteToken(t, email);
    expect((await invite(t, owner, businessId, email, 'developer')).status).toBe(201);
    const second = inviteToken(t, email);
    expect(second).not.toBe(first);
    expect(t.mailer.sent.filter((m) => m.to === email)).toHaveLength(2);
    const { invites } = await team(t, owner, businessId);
    expect(invites.map((i) => [i.email, i.role])).toEqual([[email, 'developer']]);
    await expectError(await preview(t, first), 410, 'invalid_invite_token');
    const res = await accept(t, { token: second, name: 'Ravi', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(joinedBusinessSchema.parse(await res.json()).business.role).toBe('developer');
  });

  it('changes roles, and an Admin manages everyone but Owners', async () => {
    const { businessId, owner, admin, developer, viewer } = await businessWithTeam(t);
    const patch = (by: typeof owner, userId: string, role: string) =>
      call(t, 'PATCH', teamPath(businessId, `/members/${userId}`), {
        cookie: by.cookie,
        body: { role }
      });
    // Activity lines are ordered by time: a second between actions.
    const tick = () => t.clock.advance(1000);
    const res = await patch(admin, developer.id, 'viewer');
    expect(res.status).toBe(200);
    expect(teamMemberSchema.parse(await res.json())).toMatchObject({
      userId: developer.id,
      email: developer.email,
      role: 'viewer'
    });
    tick();
    expect((await patch(admin, viewer.id, 'admin')).status).toBe(200);
    tick();
    expect((await patch(owner, admin.id, 'owner')).status).toBe(200);
    expect(await roles(t, owner, businessId)).toEqual({
      [owner.email]: 'owner',
      [admin.email]: 'owner',
      [developer.email]: 'viewer',
      [viewer.email]: 'admin'
    });
    // With two Owners, one may step down.
    tick();
    expect((await patch(owner, owner.id, 'developer')).status).toBe(200);

    const lines = (await auditOf(businessId)).filter((l) => l.action === 'team.role_changed');
    expect(lines.map((l) => l.detail)).toEqual([
      `${developer.email} · Developer → Viewer`,
      `${viewer.email} · Viewer → Admin`,
      `${admin.email} · Admin → Owner`,
      `${owner.email} · Owner → Developer`
    ]);
    expect(lines.map((l) => l.actor_id)).toEqual([admin.id, admin.id, owner.id, owner.id]);
    expect(lines.every((l) => l.app_id === null)).toBe(true);
  });

  it('removes a member, lets a member leave, and their access ends at once', async () => {
    const { businessId, owner, admin, developer, viewer } = await businessWithTeam(t);
    const del = (by: typeof owner, userId: string) =>
      call(t, 'DELETE', teamPath(businessId, `/members/${userId}`), { cookie: by.cookie });
    expect((await del(admin, developer.id)).status).toBe(204);
    expect((await del(viewer, viewer.id)).status).toBe(204);
    expect(await roles(t, owner, businessId)).toEqual({
      [owner.email]: 'owner',
      [admin.email]: 'admin'
    });
    await expectError(
      await call(t, 'GET', teamPath(businessId, '/members'), { cookie: developer.cookie }),
      403,
      'not_a_member'
    );
    const actions = (await auditOf(businessId)).map((l) => [l.action, l.detail]);
    expect(actions).toContainEqual(['team.removed', `${developer.email} · Developer`]);
    expect(actions).toContainEqual(['team.left', `${viewer.email} · Viewer`]);
    // Removed members keep their own accounts and businesses.
    expect(await ownBusiness(t, developer)).toMatch(/^bu_/);
  });

  it('transfers ownership: the member becomes Owner, the caller Admin, in one step', async () => {
    const { businessId, owner, developer } = await businessWithTeam(t);
    const res = await call(t, 'POST', teamPath(businessId, '/transfer'), {
      cookie: owner.cookie,
      body: { userId: developer.id }
    });
    expect(res.status).toBe(200);
    const after = teamResponseSchema.parse(await res.json());
    const byEmail = Object.fromEntries(after.members.map((m) => [m.email, m.role]));
    expect(byEmail[developer.email]).toBe('owner');
    expect(byEmail[owner.email]).toBe('admin');
    expect(after.members.filter((m) => m.role === 'owner')).toHaveLength(1);
    const line = (await auditOf(businessId)).find((l) => l.action === 'team.ownership_transferred');
    expect(line?.detail).toBe(`${developer.email} · Developer → Owner`);
    // The old Owner, now Admin, can no longer act on the new Owner.
    await expectError(
      await call(t, 'PATCH', teamPath(businessId, `/members/${developer.id}`), {
        cookie: owner.cookie,
        body: { role: 'viewer' }
      }),
      403,
      'forbidden_role'
    );
  });

  it('writes an activity line for every team action, naming the member', async () => {
    const owner = await createMerchant(t);
    const businessId = await ownBusiness(t, owner);
    const email = freshEmail();
    const tick = () => t.clock.advance(1000);
    const { invite: created } = inviteResponseSchema.parse(
      await (await invite(t, owner, businessId, email, 'viewer')).json()
    );
    tick();
    await call(t, 'DELETE', teamPath(businessId, `/invites/${created.id}`), {
      cookie: owner.cookie
    });
    tick();
    await invite(t, owner, businessId, email, 'admin');
    tick();
    await accept(t, { token: inviteToken(t, email), name: 'Ravi', password: PASSWORD });
    expect((await auditOf(businessId)).map((l) => [l.action, l.detail])).toEqual([
      ['team.invited', `${email} · Viewer`],
      ['team.invite_revoked', `${email} · Viewer`],
      ['team.invited', `${email} · Admin`],
      ['team.joined', `${email} · Admin`]
    ]);
  });
});
