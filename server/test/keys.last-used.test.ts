import { generateKey } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  closeServer,
  createMerchant,
  createTestApp,
  exchange,
  generateKeys,
  v1,
  type KeyPair,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('key last-used', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  let pair: KeyPair;

  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
    pair = await generateKeys(t, m, appId);
  });
  afterAll(() => closeServer(t));

  const lastUsed = async () => {
    const res = await call(t, 'GET', `/api/apps/${appId}/keys`, { cookie: m.cookie });
    const { keys } = (await res.json()) as { keys: { id: string; lastUsedAt: string | null }[] };
    return keys.find((k) => k.id === pair.keyId)?.lastUsedAt;
  };
  const updates = async () => {
    await t.services.usage.flush();
    return lastUsed();
  };

  it('is "never" for a new pair, and a refused exchange does not count as a use', async () => {
    expect(await lastUsed()).toBeNull();
    // Well-formed, so it reaches the lookup and is refused there (11004).
    const secretKey = generateKey('secret', 'test');
    const wrong = await exchange(t, appId, { publicKey: pair.publicKey, secretKey });
    expect(wrong.status).toBe(400);
    expect(await updates()).toBeNull();
  });

  it('records the exchange and /v1 calls, at most once a minute', async () => {
    const start = t.clock.now().toISOString();
    const res = await exchange(t, appId, pair);
    const token = ((await res.json()) as { result: { accessToken: string } }).result.accessToken;
    expect(await updates()).toBe(start);

    // Calls within the minute write nothing, however many.
    t.clock.advance(30_000);
    for (let i = 0; i < 5; i++) await v1(t, 'GET', '/currencies', { token });
    expect(await updates()).toBe(start);

    t.clock.advance(31_000);
    const later = t.clock.now().toISOString();
    await v1(t, 'GET', '/transaction/txnId/tx_000000000', { token });
    expect(await updates()).toBe(later);
  });
});
