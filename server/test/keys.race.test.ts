import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  closeServer,
  createMerchant,
  createTestApp,
  exchange,
  generateKeys,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const N = 50;

describeEachDialect('API keys under concurrent requests', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
  });
  afterAll(() => closeServer(t));

  const activePairs = async (appId: string) =>
    t.services.db.db
      .selectFrom('api_keys')
      .select('id')
      .where('app_id', '=', appId)
      .where('status', '=', 'active')
      .execute();

  it(`${N} concurrent regenerations of one pair: one wins, one active pair remains`, async () => {
    const appId = await createTestApp(t, m);
    const { keyId } = await generateKeys(t, m, appId);
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        call(t, 'POST', `/api/apps/${appId}/keys/${keyId}/regenerate`, {
          cookie: m.cookie,
          body: { grace: '24h' }
        })
      )
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
    const winner = responses.find((r) => r.status === 201);
    const { key } = (await winner?.json()) as { key: { id: string } };
    expect(await activePairs(appId)).toEqual([{ id: key.id }]);
  });

  it(`${N} concurrent first generations: exactly one pair is created`, async () => {
    const appId = await createTestApp(t, m);
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        call(t, 'POST', `/api/apps/${appId}/keys`, { cookie: m.cookie })
      )
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(N - 1);
    expect(await activePairs(appId)).toHaveLength(1);
  });

  it(`${N} concurrent enables and generations after a disable: one active pair`, async () => {
    const appId = await createTestApp(t, m);
    const { keyId } = await generateKeys(t, m, appId);
    await call(t, 'POST', `/api/apps/${appId}/keys/${keyId}/disable`, { cookie: m.cookie });
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        i % 2
          ? call(t, 'POST', `/api/apps/${appId}/keys/${keyId}/enable`, { cookie: m.cookie })
          : call(t, 'POST', `/api/apps/${appId}/keys`, { cookie: m.cookie })
      )
    );
    expect(responses.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
    expect(await activePairs(appId)).toHaveLength(1);
  });

  it(`${N} concurrent token exchanges with a just-disabled pair all fail`, async () => {
    const appId = await createTestApp(t, m);
    const pair = await generateKeys(t, m, appId);
    const disabled = await call(t, 'POST', `/api/apps/${appId}/keys/${pair.keyId}/disable`, {
      cookie: m.cookie
    });
    expect(disabled.status).toBe(200);
    const responses = await Promise.all(Array.from({ length: N }, () => exchange(t, appId, pair)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { code: number }[];
    // Refused as inactive (11002), or by the per-key rate limit (11005) once it is reached.
    expect(bodies.every((b) => b.code === 11002 || b.code === 11005)).toBe(true);
    expect(bodies.filter((b) => b.code === 11002).length).toBeGreaterThan(0);
    const tokens = await t.services.db.db
      .selectFrom('access_tokens')
      .select('token_hash')
      .where('key_id', '=', pair.keyId)
      .execute();
    expect(tokens).toEqual([]);
  });

  it('token exchanges racing a disable: none of the tokens works afterwards', async () => {
    const appId = await createTestApp(t, m);
    const pair = await generateKeys(t, m, appId);
    const [, ...exchanges] = await Promise.all([
      call(t, 'POST', `/api/apps/${appId}/keys/${pair.keyId}/disable`, { cookie: m.cookie }),
      ...Array.from({ length: 20 }, () => exchange(t, appId, pair))
    ]);
    for (const res of exchanges) {
      if (res.status !== 201) continue;
      const { result } = (await res.json()) as { result: { accessToken: string } };
      const use = await t.app.request('/v1/currencies', {
        headers: { authorization: `Bearer ${result.accessToken}` }
      });
      expect(use.status).toBe(400);
    }
  });
});
