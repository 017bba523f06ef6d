import { ROLES, teamActivityResponseSchema, type TeamActivityResponse } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createMerchant,
  expectError,
  type Merchant,
  type TestServer
} from './helpers/security';
import { createTestApp } from './helpers/payments';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';
import { accept, businessWithTeam, invite, inviteToken, teamPath } from './helpers/team';

/**
 * The Team page's Activity (`GET /api/businesses/:businessId/activity`): every team action with
 * the member who acted, the address acted on and the roles, newest first, paged; readable by
 * every role of the business and by nobody else.
 */
describeEachDialect('team activity', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
  });
  afterAll(() => t.close());

  const activity = async (m: Merchant, businessId: string, query = '') => {
    const res = await call(t, 'GET', teamPath(businessId, `/activity${query}`), {
      cookie: m.cookie
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return teamActivityResponseSchema.parse(await res.json());
  };
  const lines = (page: TeamActivityResponse) =>
    page.entries.map((e) => [e.action, e.actorEmail, e.target, e.from, e.role]);

  describe('happy', () => {
    it('lists every team action, newest first, naming who acted on whom and the roles', async () => {
      const { owner, businessId, admin, developer } = await businessWithTeam(t);
      const tick = () => t.clock.advance(1000);
      tick();
      const patch = (who: Merchant, role: string) =>
        call(t, 'PATCH', teamPath(businessId, `/members/${who.id}`), {
          cookie: owner.cookie,
          body: { role }
        });
      expect((await patch(developer, 'admin')).status).toBe(200);
      tick();
      const removed = await call(t, 'DELETE', teamPath(businessId, `/members/${admin.id}`), {
        cookie: owner.cookie
      });
      expect(removed.status).toBe(204);
      tick();
      const transferred = await call(t, 'POST', teamPath(businessId, '/transfer'), {
        cookie: owner.cookie,
        body: { userId: developer.id }
      });
      expect(transferred.status).toBe(200);

      const page = await activity(owner, businessId, '?limit=3');
      expect(lines(page)).toEqual([
        ['team.ownership_transferred', owner.email, developer.email, 'admin', 'owner'],
        ['team.removed', owner.email, admin.email, null, 'admin'],
        ['team.role_changed', owner.email, developer.email, 'developer', 'admin']
      ]);
      expect(page.entries[0]?.actorName).toBe(owner.name);
      expect(page.asOf).toBe(t.clock.now().toISOString());

      // The next page starts after the last line, without repeats or gaps.
      const all = await activity(owner, businessId, '?limit=200');
      const next = await activity(owner, businessId, `?limit=3&before=${page.nextBefore ?? ''}`);
      expect(next.entries.map((e) => e.id)).toEqual(all.entries.slice(3, 6).map((e) => e.id));
      // Three invitations and three joins, then the three actions above.
      expect(all.entries).toHaveLength(9);
      expect(all.nextBefore).toBeNull();
    });

    it('leaves out the actions on apps (those are in each app’s own log)', async () => {
      const owner = await createMerchant(t);
      const appId = await createTestApp(t, owner);
      const domain = await call(t, 'POST', `/api/apps/${appId}/domains`, {
        cookie: owner.cookie,
        body: { origin: 'https://shop.example.com' }
      });
      expect(domain.status, await domain.clone().text()).toBe(201);
      const email = `activity-${dialect}@example.com`;
      expect((await invite(t, owner, owner.businessId, email, 'viewer')).status).toBe(201);
      const page = await activity(owner, owner.businessId);
      expect(lines(page)).toEqual([['team.invited', owner.email, email, null, 'viewer']]);
    });
  });

  describe('security', () => {
    it('is read by every role of the business, and by no one outside it', async () => {
      const team = await businessWithTeam(t);
      const byRole = {
        owner: team.owner,
        admin: team.admin,
        developer: team.developer,
        viewer: team.viewer
      };
      const seen = await activity(team.owner, team.businessId);
      for (const role of ROLES) {
        const page = await activity(byRole[role], team.businessId);
        expect(
          page.entries.map((e) => e.id),
          role
        ).toEqual(seen.entries.map((e) => e.id));
      }

      // Members of another business, of every role, get the stranger's answer, not the lines.
      const other = await businessWithTeam(t);
      for (const m of [other.owner, other.admin, other.developer, other.viewer]) {
        const res = await call(t, 'GET', teamPath(team.businessId, '/activity'), {
          cookie: m.cookie
        });
        const body = await expectError(res, 403, 'not_a_member');
        expect(JSON.stringify(body)).not.toContain(team.owner.email);
      }
      // Their own business's activity names none of this team.
      const theirs = await activity(other.owner, other.businessId);
      const text = JSON.stringify(theirs);
      for (const m of [team.owner, team.admin, team.developer, team.viewer]) {
        expect(text).not.toContain(m.email);
      }
    });

    it('ends with membership: a removed member is refused at the next request', async () => {
      const { owner, businessId, viewer } = await businessWithTeam(t);
      await activity(viewer, businessId);
      const res = await call(t, 'DELETE', teamPath(businessId, `/members/${viewer.id}`), {
        cookie: owner.cookie
      });
      expect(res.status).toBe(204);
      const after = await call(t, 'GET', teamPath(businessId, '/activity'), {
        cookie: viewer.cookie
      });
      await expectError(after, 403, 'not_a_member');
    });

    it('refuses a malformed page link with 400 and the field named', async () => {
      const owner = await createMerchant(t);
      const res = await call(t, 'GET', teamPath(owner.businessId, '/activity?before=x%00y'), {
        cookie: owner.cookie
      });
      const body = await expectError(res, 400, 'validation_failed');
      expect(body?.error.fields).toHaveProperty('before');
    });

    it('answers a signed-out request 401 and a joined invitee only after joining', async () => {
      const owner = await createMerchant(t);
      const signedOut = await call(t, 'GET', teamPath(owner.businessId, '/activity'));
      await expectError(signedOut, 401, 'unauthorized');
      const invitee = await createMerchant(t);
      expect((await invite(t, owner, owner.businessId, invitee.email, 'viewer')).status).toBe(201);
      const before = await call(t, 'GET', teamPath(owner.businessId, '/activity'), {
        cookie: invitee.cookie
      });
      await expectError(before, 403, 'not_a_member');
      t.clock.advance(1000);
      const joined = await accept(t, { token: inviteToken(t, invitee.email) }, invitee.cookie);
      expect(joined.status).toBe(200);
      const page = await activity(invitee, owner.businessId);
      expect(page.entries[0]).toMatchObject({ action: 'team.joined', target: invitee.email });
    });
  });
});
