import pg from 'pg';
import { ROLE_REFUSAL, SYNC_SCHEMA_VERSION, type Role } from '@kspay/shared';
import { beforeAll, expect, it } from 'vitest';
import { create, newClientId } from './helpers/apps';
import {
  describeWithPostgres,
  pushNewApp,
  signedUpClient,
  useCluster,
  type ServerProcess
} from './helpers/processes';

/**
 * Roles across two real server processes on one PostgreSQL database (issue 16): nothing about
 * a role is cached in a process, so a demotion or removal committed while a member works is
 * what the other process applies on that member's very next request.
 */
type KeyBody = { key: { id: string; publicKey: string }; secretKey: string };

describeWithPostgres('several server processes on one PostgreSQL: roles', () => {
  const cluster = useCluster();
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(() => {
    ({ a, b } = cluster);
  });
  let n = 0;
  const signUp = (via: ServerProcess) => signedUpClient(via, `Person ${++n}`);

  /**
   * Commits a membership change to the shared database, as the team routes of either process
   * do (they write the same row): the processes under test keep nothing of their own.
   */
  async function setRole(businessId: string, userId: string, role: Role | null) {
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      await db.query('delete from memberships where business_id = $1 and user_id = $2', [
        businessId,
        userId
      ]);
      if (role) {
        await db.query(
          `insert into memberships (business_id, user_id, role, created_at) values ($1, $2, $3, $4)`,
          [businessId, userId, role, new Date().toISOString()]
        );
      }
    } finally {
      await db.end();
    }
  }

  async function businessWithApp() {
    const owner = await signUp(a);
    const appId = await pushNewApp(owner.client, a);
    return { owner, businessId: owner.client.businessId, appId };
  }

  it('an Admin demoted to Developer is refused the next key action on B, having just used B', async () => {
    const { businessId, appId } = await businessWithApp();
    const admin = await signUp(b);
    await setRole(businessId, admin.userId, 'admin');
    // B serves the Admin a key action first: anything it could keep about the role, it has.
    const made = await admin.client.json<KeyBody>(b, 'POST', `/api/apps/${appId}/keys`, {});
    expect(made.status).toBe(201);

    await setRole(businessId, admin.userId, 'developer');
    const refused = await admin.client.json<{ error: { code: string; message: string } }>(
      b,
      'POST',
      `/api/apps/${appId}/keys/${made.body.key.id}/regenerate`,
      { grace: 'now' }
    );
    expect(refused).toEqual({
      status: 403,
      body: { error: { code: 'forbidden_role', message: ROLE_REFUSAL } }
    });
    const disable = await admin.client.req(
      b,
      'POST',
      `/api/apps/${appId}/keys/${made.body.key.id}/disable`,
      {}
    );
    expect(disable.status).toBe(403);
    // A Developer still sees the public keys, on either process.
    const listed = await admin.client.json<{ keys: { id: string; status: string }[] }>(
      a,
      'GET',
      `/api/apps/${appId}/keys`
    );
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((k) => [k.id, k.status])).toEqual([[made.body.key.id, 'active']]);
  });

  it('a member removed while syncing through A is refused by B at once: push and pull', async () => {
    const { businessId, appId } = await businessWithApp();
    const dev = await signUp(a);
    await setRole(businessId, dev.userId, 'developer');
    const clientId = newClientId();
    const pull = (via: ServerProcess) =>
      dev.client.req(via, 'POST', '/api/sync/pull', {
        businessId,
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: 0,
        rejectionsAfter: 0
      });
    const first = await pull(a);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(appId);

    await setRole(businessId, dev.userId, null);
    const gone = await pull(b);
    expect(gone.status).toBe(403);
    const text = await gone.text();
    expect(text).toContain('not_a_member');
    expect(text).not.toContain(appId);
    const push = await dev.client.req(b, 'POST', '/api/sync/push', {
      businessId,
      clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(1)]
    });
    expect(push.status).toBe(403);
    expect((await dev.client.req(b, 'GET', `/api/apps/${appId}/keys`)).status).toBe(404);
  });
});
