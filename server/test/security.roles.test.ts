import { can, ROLE_REFUSAL, ROLES, type Role } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, type Merchant, type TestServer } from './helpers/payments';
import {
  actsOnBusiness,
  ROUTES,
  routeKey,
  type RegisteredRoute,
  type Req
} from './helpers/route-registry';
import { buildWorld, type World } from './helpers/route-world';
import { call, expectError, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/**
 * The role dimension of the security registry (issue 16), on SQLite and PostgreSQL: every
 * `session` route that acts on a business's data has a role rule, and for every role:
 * - in the owner's business, a role the rule does not allow is refused (403 `forbidden_role`,
 *   or a stored sync refusal) and nothing changes; the weakest role it allows is served;
 * - in another business, each role sees the owner's records as missing, as a stranger does.
 */
const businessRoutes = ROUTES.filter((r) => r.access === 'session' && actsOnBusiness(r.pattern));

/** The request as `member` sends it (same origin, their session cookie). */
const sendAs = (w: World, route: RegisteredRoute, req: Req, member: Merchant) =>
  call(w.t, route.method === 'ALL' ? 'GET' : route.method, req.path, {
    body: req.body,
    cookie: member.cookie,
    headers: req.headers
  });

describe('the role registry', () => {
  it('gives every session route that acts on a business a role rule', () => {
    const missing = businessRoutes.filter((r) => !r.permission).map(routeKey);
    expect(missing, 'set `permission` in server/test/helpers/route-registry.ts').toEqual([]);
    expect(businessRoutes.length).toBeGreaterThanOrEqual(15);
  });
});

describeEachDialect('every business route enforces its role rule', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  for (const route of businessRoutes) {
    describe(routeKey(route), () => {
      let w: World;
      beforeAll(async () => {
        w = await buildWorld(t);
      });
      const permission = route.permission;
      if (!permission) return;
      const refused = ROLES.filter((r) => !can(r, permission));
      const weakestAllowed = ROLES.filter((r) => can(r, permission)).at(-1) as Role;

      for (const role of refused) {
        it(`refuses a ${role} and changes nothing`, async () => {
          const req = await route.valid(w);
          if (route.refusedAs === 'rejection') {
            // Sync push: the refusal is stored and answered (never dropped); no app changes.
            const before = await snapshot(w.t, ['sync_clients', 'sync_rejections']);
            const res = await sendAs(w, route, req, w.members[role]);
            expect(res.status, await res.clone().text()).toBe(200);
            const body = (await res.json()) as { rejections: { code: string; message: string }[] };
            expect(body.rejections.length).toBeGreaterThan(0);
            for (const r of body.rejections) {
              expect(r).toMatchObject({ code: 'forbidden_role', message: ROLE_REFUSAL });
            }
            expect(await snapshot(w.t, ['sync_clients', 'sync_rejections'])).toEqual(before);
            return;
          }
          const before = await snapshot(w.t);
          const res = await sendAs(w, route, req, w.members[role]);
          const error = await expectError(res, 403, 'forbidden_role');
          expect(error?.error.message).toBe(ROLE_REFUSAL);
          expect(await snapshot(w.t)).toEqual(before);
        });
      }

      it(`serves a ${weakestAllowed}, the weakest role its rule allows`, async () => {
        const req = await route.valid(w);
        const res = await sendAs(w, route, req, w.members[weakestAllowed]);
        if (route.validStatus) expect(res.status).toBe(route.validStatus);
        else expect(res.status, await res.clone().text()).toBeLessThan(300);
        if (route.refusedAs === 'rejection') {
          const body = (await res.json()) as { rejections: unknown[] };
          expect(body.rejections).toEqual([]);
        }
      });

      if (route.foreign) {
        it("answers each role of another business as a stranger to the owner's records", async () => {
          for (const role of ROLES) {
            for (const c of route.foreign?.(w) ?? []) {
              // Aimed through an app of their own business (or their business itself), a role
              // without the permission is refused for its role before any id of the owner's is
              // looked at.
              const through = [w.other.appId, w.other.merchant.businessId];
              const own = through.some((id) => c.req.path.includes(id)) && !can(role, permission);
              const status = own ? 403 : c.status;
              const code = own ? 'forbidden_role' : c.code;
              const before = await snapshot(w.t);
              const res = await sendAs(w, route, c.req, w.outsiders[role]);
              const text = await res.clone().text();
              expect(res.status, `${role} ${c.req.path}: ${text}`).toBe(status);
              if (typeof code === 'string') await expectError(res, status, code);
              expect(text).not.toContain(w.owner.appId);
              expect(await snapshot(w.t)).toEqual(before);
            }
          }
        });
      }
    });
  }
});
