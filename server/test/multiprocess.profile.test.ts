import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Client,
  describeWithPostgres,
  startCluster,
  type ServerProcess
} from './helpers/processes';

/**
 * "Change password" signs out every other session (KS Pay: "logs out all devices") when the
 * other session is served by another process on the same PostgreSQL: no process may keep a
 * session alive from memory.
 */
type Cluster = Awaited<ReturnType<typeof startCluster>>;

describeWithPostgres('several server processes on one PostgreSQL: change password', () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    cluster = await startCluster(2, { PASSWORD_HASH_LN: '12' });
    [a, b] = cluster.procs as [ServerProcess, ServerProcess];
  }, 60_000);
  afterAll(async () => {
    const errors = cluster?.errors();
    await cluster?.stop();
    expect(errors ?? []).toEqual([]);
  });

  it('a password changed through process A refuses the other session on process B at its next request', async () => {
    const email = `mp-pw-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const laptop = new Client();
    const signUp = await laptop.req(a, 'POST', '/api/auth/sign-up', { name: 'M', email, password });
    expect(signUp.status).toBe(201);
    const phone = new Client();
    expect((await phone.req(b, 'POST', '/api/auth/sign-in', { email, password })).status).toBe(200);
    expect((await phone.req(b, 'GET', '/api/sessions')).status).toBe(200);

    const changed = await laptop.json<{ signedOut: number }>(a, 'POST', '/api/profile/password', {
      currentPassword: password,
      newPassword: 'a different long passphrase'
    });
    expect(changed).toEqual({ status: 200, body: { signedOut: 1 } });

    // The phone, served by B, is signed out at once; the laptop stays signed in on both.
    expect((await phone.req(b, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await phone.req(a, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await laptop.req(b, 'GET', '/api/auth/session')).status).toBe(200);
    // The old password no longer signs in anywhere; the new one does.
    const old = await new Client().req(b, 'POST', '/api/auth/sign-in', { email, password });
    expect(old.status).toBe(401);
    const fresh = await new Client().req(b, 'POST', '/api/auth/sign-in', {
      email,
      password: 'a different long passphrase'
    });
    expect(fresh.status).toBe(200);
  });
});
