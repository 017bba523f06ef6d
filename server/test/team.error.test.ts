import {
  INVITE_TTL_MS,
  INVITE_WRONG_ADDRESS,
  inviteResponseSchema,
  type ErrorCode
} from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createMerchant,
  expectError,
  snapshot,
  type CallOptions,
  type Merchant,
  type TestServer
} from './helpers/security';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';
import {
  accept,
  businessWithTeam,
  invite,
  inviteToken,
  ownBusiness,
  preview,
  roles,
  teamPath
} from './helpers/team';

const PASSWORD = 'a walk by the Neckar river';

describeEachDialect('team: every refusal is a clear 4xx and changes nothing', (dialect) => {
  let t: TestServer;
  let team: Awaited<ReturnType<typeof businessWithTeam>>;
  let stranger: Merchant;
  beforeAll(async () => {
    // The suite opens many links from one address; the limits have their own case.
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
    team = await businessWithTeam(t);
    stranger = await createMerchant(t);
    // Each member's first request records their activity; later ones within a minute do not.
    for (const m of [team.owner, team.admin, team.developer, team.viewer]) {
      await call(t, 'GET', teamPath(team.businessId, '/members'), { cookie: m.cookie });
    }
    const own = await ownBusiness(t, stranger);
    await call(t, 'GET', teamPath(own, '/members'), { cookie: stranger.cookie });
  });
  afterAll(() => t.close());

  let n = 0;
  const freshEmail = () => `refused-${++n}-${dialect}@example.com`;

  /** Answers `status`/`code` and leaves every table as it was (attempt counters aside). */
  async function refused(
    method: string,
    path: string,
    opts: CallOptions,
    status: number,
    code: ErrorCode
  ) {
    const before = await snapshot(t, ['rate_limits']);
    const body = await expectError(await call(t, method, path, opts), status, code);
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    return body;
  }
  const path = (rest: string) => teamPath(team.businessId, rest);

  describe('invitations', () => {
    it('refuses a bad email or role with the field named', async () => {
      const cookie = team.owner.cookie;
      const badEmail = await refused(
        'POST',
        path('/invites'),
        { cookie, body: { email: 'not an email', role: 'viewer' } },
        400,
        'validation_failed'
      );
      expect(badEmail?.error.fields?.email).toBe(
        'Enter a valid email address, like name@example.com'
      );
      const badRole = await refused(
        'POST',
        path('/invites'),
        { cookie, body: { email: freshEmail(), role: 'superuser' } },
        400,
        'validation_failed'
      );
      expect(badRole?.error.fields?.role).toBe('Pick a role: Owner, Admin, Developer or Viewer');
    });

    it('refuses an Admin inviting an Owner, and Developers and Viewers inviting anyone', async () => {
      const body = await refused(
        'POST',
        path('/invites'),
        { cookie: team.admin.cookie, body: { email: freshEmail(), role: 'owner' } },
        403,
        'forbidden_role'
      );
      expect(body?.error.message).toBe('Only an Owner can invite an Owner');
      for (const m of [team.developer, team.viewer]) {
        const res = await refused(
          'POST',
          path('/invites'),
          { cookie: m.cookie, body: { email: freshEmail(), role: 'viewer' } },
          403,
          'forbidden_role'
        );
        expect(res?.error.message).toBe('Your role no longer allows this');
      }
      expect(t.mailer.sent.filter((m) => m.to.startsWith('refused-'))).toEqual([]);
    });

    it('refuses to invite a member again: 409 "Already a member"', async () => {
      const body = await refused(
        'POST',
        path('/invites'),
        { cookie: team.owner.cookie, body: { email: team.developer.email, role: 'admin' } },
        409,
        'conflict'
      );
      expect(body?.error.message).toBe('Already a member');
    });

    it('refuses an unverified inviter', async () => {
      const m = await createMerchant(t, { unverified: true });
      const businessId = await ownBusiness(t, m);
      await call(t, 'GET', teamPath(businessId, '/members'), { cookie: m.cookie });
      await refused(
        'POST',
        teamPath(businessId, '/invites'),
        { cookie: m.cookie, body: { email: freshEmail(), role: 'viewer' } },
        403,
        'email_unverified'
      );
    });

    it('refuses to revoke what is not an open invitation of this business, or an Owner invitation by an Admin', async () => {
      const email = freshEmail();
      const res = await invite(t, team.owner, team.businessId, email, 'owner');
      const { invite: created } = inviteResponseSchema.parse(await res.json());
      await refused(
        'DELETE',
        path(`/invites/${created.id}`),
        { cookie: team.admin.cookie },
        403,
        'forbidden_role'
      );
      await refused(
        'DELETE',
        path(`/invites/${created.id}`),
        { cookie: team.developer.cookie },
        403,
        'forbidden_role'
      );
      await refused(
        'DELETE',
        path('/invites/iv_000000000'),
        { cookie: team.owner.cookie },
        404,
        'not_found'
      );
      // Someone else's business cannot reach it, even as the Owner of their own.
      const own = await ownBusiness(t, stranger);
      await refused(
        'DELETE',
        teamPath(own, `/invites/${created.id}`),
        { cookie: stranger.cookie },
        404,
        'not_found'
      );
    });

    it('rate-limits invitations per business, and invitation links per address', async () => {
      const limited = await testServer(dialect, {
        config: testConfig({
          rateLimits: {
            ...NO_RATE_LIMITS,
            inviteBusiness: { max: 2, windowMs: 60_000 },
            inviteLinkIp: { max: 2, windowMs: 60_000 }
          }
        })
      });
      try {
        const owner = await createMerchant(limited);
        const businessId = await ownBusiness(limited, owner);
        for (let i = 0; i < 2; i++) {
          const res = await invite(limited, owner, businessId, `rl-${i}@example.com`, 'viewer');
          expect(res.status).toBe(201);
        }
        const res = await invite(limited, owner, businessId, 'rl-x@example.com', 'viewer');
        await expectError(res, 429, 'rate_limited');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(limited.mailer.sent.filter((m) => m.to === 'rl-x@example.com')).toEqual([]);

        const token = inviteToken(limited, 'rl-0@example.com');
        for (let i = 0; i < 2; i++) expect((await preview(limited, token)).status).toBe(200);
        await expectError(await preview(limited, token), 429, 'rate_limited');
        await expectError(
          await accept(limited, { token, name: 'R', password: PASSWORD }),
          429,
          'rate_limited'
        );
      } finally {
        await limited.close();
      }
    });
  });

  describe('the invitation link', () => {
    it('refuses a token never issued, a malformed one, and a used one', async () => {
      await refused(
        'POST',
        '/api/invites/preview',
        { body: { token: 'A'.repeat(43) } },
        410,
        'invalid_invite_token'
      );
      await refused(
        'POST',
        '/api/invites/preview',
        { body: { token: 'short' } },
        400,
        'validation_failed'
      );
      const email = freshEmail();
      await invite(t, team.owner, team.businessId, email, 'viewer');
      const token = inviteToken(t, email);
      expect((await accept(t, { token, name: 'Once', password: PASSWORD })).status).toBe(201);
      await refused(
        'POST',
        '/api/invites/preview',
        { body: { token } },
        410,
        'invalid_invite_token'
      );
      await refused(
        'POST',
        '/api/invites/accept',
        { body: { token, name: 'Twice', password: PASSWORD } },
        410,
        'invalid_invite_token'
      );
    });

    it('refuses a revoked or expired link', async () => {
      const email = freshEmail();
      const { invite: created } = inviteResponseSchema.parse(
        await (await invite(t, team.owner, team.businessId, email, 'viewer')).json()
      );
      const revokedToken = inviteToken(t, email);
      await call(t, 'DELETE', path(`/invites/${created.id}`), { cookie: team.owner.cookie });
      await refused(
        'POST',
        '/api/invites/accept',
        { body: { token: revokedToken, name: 'Late', password: PASSWORD } },
        410,
        'invalid_invite_token'
      );

      const other = freshEmail();
      await invite(t, team.owner, team.businessId, other, 'viewer');
      const expiring = inviteToken(t, other);
      t.clock.advance(INVITE_TTL_MS + 1000);
      try {
        await refused(
          'POST',
          '/api/invites/preview',
          { body: { token: expiring } },
          410,
          'invalid_invite_token'
        );
      } finally {
        // Back again, so the members' sessions stay live for the other cases.
        t.clock.advance(-INVITE_TTL_MS - 1000);
      }
    });

    it('refuses an invitation meant for another address, saying so', async () => {
      const email = freshEmail();
      await invite(t, team.owner, team.businessId, email, 'admin');
      const body = await refused(
        'POST',
        '/api/invites/accept',
        { body: { token: inviteToken(t, email) }, cookie: stranger.cookie },
        403,
        'forbidden_role'
      );
      expect(body?.error.message).toBe(INVITE_WRONG_ADDRESS);
      expect(body?.error.message).toBe('This invitation was sent to another email address');
    });

    it('refuses to create an account signed out without a name and password, or for an address that has one', async () => {
      const email = freshEmail();
      await invite(t, team.owner, team.businessId, email, 'viewer');
      const token = inviteToken(t, email);
      const missing = await refused(
        'POST',
        '/api/invites/accept',
        { body: { token } },
        400,
        'validation_failed'
      );
      expect(missing?.error.fields).toEqual({
        name: 'Enter your name',
        password: 'Enter a password'
      });
      const weak = await refused(
        'POST',
        '/api/invites/accept',
        { body: { token, name: 'Ravi', password: 'password123' } },
        400,
        'validation_failed'
      );
      expect(weak?.error.fields?.password).toBeDefined();

      const existing = await createMerchant(t);
      await invite(t, team.owner, team.businessId, existing.email, 'viewer');
      const body = await refused(
        'POST',
        '/api/invites/accept',
        { body: { token: inviteToken(t, existing.email), name: 'Imposter', password: PASSWORD } },
        409,
        'email_taken'
      );
      expect(body?.error.message).toBe('Sign in to accept');
    });
  });

  describe('roles and the last Owner', () => {
    it('refuses to demote, remove or let leave the last Owner', async () => {
      const { owner, businessId } = team;
      const at = (rest: string) => teamPath(businessId, rest);
      const demote = await refused(
        'PATCH',
        at(`/members/${owner.id}`),
        { cookie: owner.cookie, body: { role: 'admin' } },
        409,
        'last_owner'
      );
      expect(demote?.error.message).toMatch(/at least one Owner/);
      await refused(
        'DELETE',
        at(`/members/${owner.id}`),
        { cookie: owner.cookie },
        409,
        'last_owner'
      );
      // An Admin may not act on an Owner at all.
      await refused(
        'DELETE',
        at(`/members/${owner.id}`),
        { cookie: team.admin.cookie },
        403,
        'forbidden_role'
      );
      await refused(
        'PATCH',
        at(`/members/${owner.id}`),
        { cookie: team.admin.cookie, body: { role: 'viewer' } },
        403,
        'forbidden_role'
      );
      expect((await roles(t, owner, businessId))[owner.email]).toBe('owner');
    });

    it('refuses role changes a role does not allow', async () => {
      const cases: [Merchant, string, string][] = [
        [team.admin, team.developer.id, 'owner'],
        [team.developer, team.viewer.id, 'developer'],
        [team.viewer, team.viewer.id, 'admin'],
        [team.developer, team.developer.id, 'admin']
      ];
      for (const [by, userId, role] of cases) {
        await refused(
          'PATCH',
          path(`/members/${userId}`),
          { cookie: by.cookie, body: { role } },
          403,
          'forbidden_role'
        );
      }
      await refused(
        'DELETE',
        path(`/members/${team.viewer.id}`),
        { cookie: team.developer.cookie },
        403,
        'forbidden_role'
      );
      await refused(
        'PATCH',
        path(`/members/${stranger.id}`),
        { cookie: team.owner.cookie, body: { role: 'viewer' } },
        404,
        'not_found'
      );
      await refused(
        'PATCH',
        path(`/members/${team.viewer.id}`),
        { cookie: team.owner.cookie, body: { role: 'root' } },
        400,
        'validation_failed'
      );
    });

    it('refuses a transfer by a non-Owner, to a non-member, or to oneself', async () => {
      const transfer = (by: Merchant, userId: string) => ({
        cookie: by.cookie,
        body: { userId }
      });
      const body = await refused(
        'POST',
        path('/transfer'),
        transfer(team.admin, team.developer.id),
        403,
        'forbidden_role'
      );
      expect(body?.error.message).toBe('Only an Owner can transfer ownership');
      await refused('POST', path('/transfer'), transfer(team.owner, stranger.id), 404, 'not_found');
      await refused(
        'POST',
        path('/transfer'),
        transfer(team.owner, team.owner.id),
        409,
        'conflict'
      );
      await refused(
        'POST',
        path('/transfer'),
        transfer(team.owner, 'nobody'),
        400,
        'validation_failed'
      );
    });
  });

  describe('non-members', () => {
    it("answers another business's team routes as for any business they are not in", async () => {
      const cookie = stranger.cookie;
      const cases: [string, string, unknown][] = [
        ['GET', path('/members'), undefined],
        ['POST', path('/invites'), { email: freshEmail(), role: 'viewer' }],
        ['PATCH', path(`/members/${team.viewer.id}`), { role: 'admin' }],
        ['DELETE', path(`/members/${team.viewer.id}`), undefined],
        ['POST', path('/transfer'), { userId: stranger.id }]
      ];
      for (const [method, p, body] of cases) {
        const res = await refused(method, p, { cookie, body }, 403, 'not_a_member');
        expect(JSON.stringify(res)).not.toContain(team.owner.email);
      }
      // A business that does not exist answers the same.
      await refused('GET', teamPath('bu_000000000', '/members'), { cookie }, 403, 'not_a_member');
    });
  });
});
