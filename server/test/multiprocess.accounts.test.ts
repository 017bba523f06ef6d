import { beforeAll, expect, it } from 'vitest';
import {
  Client,
  describeWithPostgres,
  pushNewApp,
  signedUpClient,
  useCluster,
  type ServerProcess
} from './helpers/processes';

/**
 * Two real server processes on one PostgreSQL database, and clients that alternate between
 * them as a round-robin load balancer would send them: everything a merchant or an attacker
 * could notice about sessions, rate limits and keys must behave as if there were one process.
 */
type KsBody = { code?: number; result: { accessToken: string } | null };
type KeyBody = { key: { id: string; publicKey: string }; secretKey: string };

describeWithPostgres('several server processes on one PostgreSQL: accounts and keys', () => {
  const cluster = useCluster();
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(() => {
    ({ a, b } = cluster);
  });
  const signUp = signedUpClient;

  it('a session created on one process is valid on the other, and sign-out on one ends it on both', async () => {
    const { client } = await signUp(a);
    expect((await client.req(b, 'GET', '/api/auth/session')).status).toBe(200);
    const stolen = client.cookie;
    expect((await client.req(b, 'POST', '/api/auth/sign-out', {})).status).toBe(204);
    // The same cookie replayed (as an attacker who copied it would) is dead everywhere.
    const replay = new Client();
    replay.cookie = stolen;
    expect((await replay.req(a, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await replay.req(b, 'GET', '/api/auth/session')).status).toBe(401);
  });

  it('failed sign-ins on A count on B: the limit is reached across processes (429 + Retry-After)', async () => {
    const { email } = await signUp(b);
    const attacker = new Client();
    // The account limit is 5 failures per email; alternate A, B, A, B, A.
    for (let i = 0; i < 5; i++) {
      const via = i % 2 === 0 ? a : b;
      const res = await attacker.req(via, 'POST', '/api/auth/sign-in', {
        email,
        password: `wrong password ${i}`
      });
      expect(res.status).toBe(401);
    }
    const blocked = await attacker.req(b, 'POST', '/api/auth/sign-in', {
      email,
      password: 'wrong password 5'
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await attacker.req(a, 'POST', '/api/auth/sign-in', { email, password: 'x' })).status
    ).toBe(429);
  });

  /** A merchant with an app (created through sync on A) and a key pair (generated on B). */
  async function merchantWithKeys() {
    const { client } = await signUp(a);
    const appId = await pushNewApp(client, a);
    const keys = await client.json<KeyBody>(b, 'POST', `/api/apps/${appId}/keys`, {});
    expect(keys.status).toBe(201);
    return { client, appId, pair: keys.body };
  }

  const exchange = (c: Client, via: ServerProcess, appId: string, pair: KeyBody) =>
    c.json<KsBody>(via, 'POST', `/v1/auth/generate-token/${appId}`, {
      accessKey: pair.key.publicKey,
      secretKey: pair.secretKey
    });
  const currencies = (c: Client, via: ServerProcess, token: string) =>
    c.json<KsBody>(via, 'GET', '/v1/currencies', undefined, { authorization: `Bearer ${token}` });

  it('a key disabled through A is refused at once by B: token exchange and outstanding token', async () => {
    const { client, appId, pair } = await merchantWithKeys();
    const backend = new Client();
    const issued = await exchange(backend, b, appId, pair);
    expect(issued.status).toBe(201);
    const token = issued.body.result?.accessToken ?? '';
    expect((await currencies(backend, a, token)).status).toBe(200);
    expect((await currencies(backend, b, token)).status).toBe(200);

    const off = await client.req(a, 'POST', `/api/apps/${appId}/keys/${pair.key.id}/disable`, {});
    expect(off.status).toBe(200);
    // The very next request on the other process, with no wait: no cache outlives the change.
    expect((await currencies(backend, b, token)).body.code).toBe(9000);
    expect((await exchange(backend, b, appId, pair)).body.code).toBe(11002);
    expect((await exchange(backend, a, appId, pair)).body.code).toBe(11002);
  });

  it('a pair regenerated through B is refused at once by A; the new pair works on both', async () => {
    const { client, appId, pair } = await merchantWithKeys();
    const backend = new Client();
    const token = (await exchange(backend, a, appId, pair)).body.result?.accessToken ?? '';
    expect((await currencies(backend, a, token)).status).toBe(200);

    const next = await client.json<KeyBody>(
      b,
      'POST',
      `/api/apps/${appId}/keys/${pair.key.id}/regenerate`,
      { grace: 'now' }
    );
    expect(next.status).toBe(201);
    expect((await currencies(backend, a, token)).body.code).toBe(9000);
    expect((await exchange(backend, a, appId, pair)).body.code).toBe(11002);
    const fresh = await exchange(backend, a, appId, next.body);
    expect(fresh.status).toBe(201);
    expect((await currencies(backend, b, fresh.body.result?.accessToken ?? '')).status).toBe(200);
  });

  it('change password through A refuses the other session on B at its next request; this one stays', async () => {
    const { client: laptop, email, password } = await signUp(a);
    const phone = new Client();
    expect((await phone.req(b, 'POST', '/api/auth/sign-in', { email, password })).status).toBe(200);
    const next = 'a different long passphrase';
    const changed = await laptop.json<{ signedOut: number }>(a, 'POST', '/api/profile/password', {
      currentPassword: password,
      newPassword: next
    });
    expect(changed).toEqual({ status: 200, body: { signedOut: 1 } });
    // KS Pay documents "logs out all devices": the phone, served by B, is out at once.
    expect((await phone.req(b, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await phone.req(a, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await laptop.req(b, 'GET', '/api/auth/session')).status).toBe(200);
    const old = await new Client().req(b, 'POST', '/api/auth/sign-in', { email, password });
    expect(old.status).toBe(401);
    const fresh = await new Client().req(a, 'POST', '/api/auth/sign-in', { email, password: next });
    expect(fresh.status).toBe(200);
  });
});
