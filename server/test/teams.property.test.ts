import {
  can,
  ROLE_REFUSAL,
  ROLES,
  SYNC_SCHEMA_VERSION,
  type Mutation,
  type Role
} from '@kspay/shared';
import type { AppPushResponse, PullResponse } from '@kspay/shared/apps';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  fields,
  merchant,
  newAppId,
  newClientId,
  post,
  type TestMerchant
} from './helpers/apps';
import { closeServer, type TestServer } from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

/**
 * Roles and offline sync (issue 16), as a property on SQLite and PostgreSQL: random sequences
 * of role changes and removals (written straight to `memberships`, as the team routes would)
 * and app mutations queued by several members' clients, synced through a faulty transport
 * (requests lost, answers lost, requests delivered twice). The server's apps always equal a
 * model that applies exactly the mutations the member's role allowed WHEN the server received
 * them; every refusal for a role is answered as `forbidden_role`; a removed member gets 403
 * `not_a_member` and wipes the replica; nobody ever pulls an app of a business they are not in.
 */
const MEMBERS = 2;
type Fault = 'none' | 'drop-request' | 'drop-response' | 'duplicate';
const FAULTS: Fault[] = ['none', 'drop-request', 'drop-response', 'duplicate'];

type Command =
  | { kind: 'role'; member: number; role: Role }
  | { kind: 'remove'; member: number }
  | { kind: 'create'; member: number }
  | { kind: 'toggle'; member: number; pick: number }
  | { kind: 'sync'; member: number; fault: Fault };

const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('role' as const), member, role: fc.constantFrom(...ROLES) }),
  fc.record({ kind: fc.constant('remove' as const), member }),
  fc.record({ kind: fc.constant('create' as const), member }),
  fc.record({ kind: fc.constant('toggle' as const), member, pick: fc.nat() }),
  fc.record({ kind: fc.constant('sync' as const), member, fault: fc.constantFrom(...FAULTS) }),
  fc.record({ kind: fc.constant('sync' as const), member, fault: fc.constant('none' as const) })
);

interface Client {
  person: TestMerchant;
  clientId: string;
  nextId: number;
  /** Queued mutations not yet acknowledged, in order (the browser's outbox). */
  outbox: Mutation[];
  /** Apps this client registered (it alone toggles them, so no edit is ever stale). */
  own: { id: string; status: 'active' | 'disabled' }[];
}

describeEachDialect('teams: roles and offline sync', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  const db = () => t.services.db.db;

  async function setRole(businessId: string, userId: string, role: Role | null) {
    await db()
      .deleteFrom('memberships')
      .where('business_id', '=', businessId)
      .where('user_id', '=', userId)
      .execute();
    if (!role) return;
    const now = t.clock.now().toISOString();
    await db()
      .insertInto('memberships')
      .values({
        business_id: businessId,
        user_id: userId,
        role,
        created_at: now,
        last_active_at: null
      })
      .execute();
  }

  const body = (businessId: string, c: Client, extra: object) => ({
    businessId,
    clientId: c.clientId,
    schemaVersion: SYNC_SCHEMA_VERSION,
    ...extra
  });

  it('keeps the server equal to a model of the allowed mutations; no one pulls a business they are not in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 5, maxLength: 40, size: 'large' }),
        async (commands) => {
          const owner = await merchant(t);
          const businessId = owner.businessId;
          // A second business with an app: none of our members may ever see it.
          const stranger = await merchant(t);
          const strangerApp = newAppId();
          const s = await post(t, '/api/sync/push', stranger.cookie, {
            businessId: stranger.businessId,
            clientId: newClientId(),
            schemaVersion: SYNC_SCHEMA_VERSION,
            mutations: [create(1, strangerApp)]
          });
          expect(s.status).toBe(200);

          const roles: (Role | null)[] = [];
          const clients: Client[] = [];
          for (let i = 0; i < MEMBERS; i++) {
            const person = await merchant(t);
            roles.push('developer');
            await setRole(businessId, person.id, 'developer');
            clients.push({ person, clientId: newClientId(), nextId: 1, outbox: [], own: [] });
          }
          /** The model: app id → status, for the owner's business. */
          const model = new Map<string, 'active' | 'disabled'>();
          /** Per client id: the last mutation id the server has taken (applied or refused). */
          const serverLast = new Map<string, number>();

          const deliver = async (i: number, c: Client) => {
            const res = await post(
              t,
              '/api/sync/push',
              c.person.cookie,
              body(businessId, c, { mutations: c.outbox })
            );
            const role = roles[i] ?? null;
            if (!role) {
              expect(res.status).toBe(403);
              expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
                'not_a_member'
              );
              return null;
            }
            expect(res.status, await res.clone().text()).toBe(200);
            // Model: each mutation the server had not yet taken is applied iff the role allows it.
            const last = serverLast.get(c.clientId) ?? 0;
            const expectedRefusals = new Map<number, string>();
            for (const m of c.outbox) {
              if (m.id <= last) continue;
              if (!can(role, 'apps.write')) {
                expectedRefusals.set(m.id, 'forbidden_role');
              } else if (m.name === 'app.create') {
                model.set((m.args as { id: string }).id, 'active');
              } else {
                const a = m.args as { id: string; status: 'active' | 'disabled' };
                if (model.has(a.id)) model.set(a.id, a.status);
                else expectedRefusals.set(m.id, 'not_found');
              }
              serverLast.set(c.clientId, m.id);
            }
            const answer = (await res.json()) as AppPushResponse;
            for (const r of answer.rejections) {
              if (r.code === 'forbidden_role') expect(r.message).toBe(ROLE_REFUSAL);
            }
            // Refusals answered for mutations newly taken now must be the model's, exactly.
            const fresh = answer.rejections.filter((r) => r.mutationId > last);
            expect(new Map(fresh.map((r) => [r.mutationId, r.code]))).toEqual(expectedRefusals);
            return answer;
          };

          for (const cmd of commands) {
            const c = clients[cmd.member]!;
            switch (cmd.kind) {
              case 'role':
                roles[cmd.member] = cmd.role;
                await setRole(businessId, c.person.id, cmd.role);
                break;
              case 'remove':
                roles[cmd.member] = null;
                await setRole(businessId, c.person.id, null);
                break;
              case 'create': {
                const id = newAppId();
                c.outbox.push(create(c.nextId++, id, fields()));
                c.own.push({ id, status: 'active' });
                break;
              }
              case 'toggle': {
                const app = c.own[cmd.pick % Math.max(1, c.own.length)];
                if (!app) break;
                app.status = app.status === 'active' ? 'disabled' : 'active';
                c.outbox.push({
                  id: c.nextId++,
                  name: 'app.setStatus',
                  args: { id: app.id, baseVersion: 0, status: app.status }
                });
                break;
              }
              case 'sync': {
                if (cmd.fault === 'drop-request') break;
                const answer = await deliver(cmd.member, c);
                if (cmd.fault === 'duplicate') await deliver(cmd.member, c);
                if (answer === null) {
                  // Removed: the browser wipes this business's replica and its outbox.
                  c.clientId = newClientId();
                  c.nextId = 1;
                  c.outbox = [];
                  c.own = [];
                  break;
                }
                if (cmd.fault === 'none') {
                  c.outbox = c.outbox.filter((m) => m.id > answer.lastMutationId);
                }
                break;
              }
            }
          }

          // The server's apps of the business are exactly the model's.
          const rows = await db()
            .selectFrom('apps')
            .select(['id', 'status'])
            .where('business_id', '=', businessId)
            .execute();
          expect(new Map(rows.map((r) => [r.id, r.status]))).toEqual(model);
          // Every member pulls exactly the business's apps; a removed one is refused; none ever
          // sees the stranger's app, nor pulls the stranger's business.
          for (const [i, c] of clients.entries()) {
            const res = await post(
              t,
              '/api/sync/pull',
              c.person.cookie,
              body(businessId, c, { cursor: 0, rejectionsAfter: 0 })
            );
            const text = await res.text();
            expect(text).not.toContain(strangerApp);
            if (roles[i]) {
              expect(res.status).toBe(200);
              const page = JSON.parse(text) as PullResponse;
              expect(new Set(page.apps.map((a) => a.id))).toEqual(new Set(model.keys()));
            } else {
              expect(res.status).toBe(403);
            }
            const other = await post(
              t,
              '/api/sync/pull',
              c.person.cookie,
              body(stranger.businessId, c, { cursor: 0, rejectionsAfter: 0 })
            );
            expect(other.status).toBe(403);
            expect(await other.text()).not.toContain(strangerApp);
          }
        }
      ),
      { seed: 20261207, numRuns: dialect === 'sqlite' ? 40 : 15 }
    );
  }, 240_000);
});
