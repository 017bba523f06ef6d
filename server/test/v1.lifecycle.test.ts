import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  clientSignature,
  createMerchant,
  createTestApp,
  exchange,
  expectKsError,
  generateKeys,
  initiate,
  regenerateKeys,
  tokensFor,
  v1,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const HOUR = 60 * 60 * 1000;

describeEachDialect('key lifecycle through the HTTP API', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
  });
  afterAll(() => t.close());

  it('generate → exchange → initiate + process → regenerate → old refused → new works → disable', async () => {
    const first = await generateKeys(t, m, appId);
    const { accessToken } = await tokensFor(t, appId, first);

    const { res: initRes, referenceNumber } = await initiate(t, accessToken, 250.0);
    expect(initRes.status).toBe(201);
    const init = (await initRes.json()) as {
      status: number;
      message: string;
      result: { pe_txnId: string; amount: number; currency: string; signature: string };
    };
    expect(init).toMatchObject({ status: 201, message: 'success' });
    expect(init.result.pe_txnId).toMatch(/^tx_[A-Za-z0-9]{9}$/);
    const tx = { ...init.result, referenceNumber };
    // The signature initiate answers is the one the merchant's backend can compute itself.
    expect(init.result.signature).toBe(clientSignature(first.secretKey, tx));

    const processed = await v1(t, 'POST', '/transaction/process', {
      token: accessToken,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': clientSignature(first.secretKey, tx) }
    });
    expect(processed.status).toBe(200);
    expect(await processed.json()).toMatchObject({
      result: { order: { pe_txnId: tx.pe_txnId, status: 'success', amount: 250, currency: 'INR' } }
    });

    // Regenerate without grace: the old secret stops at once (11002); its tokens were revoked.
    const second = await regenerateKeys(t, m, appId, first.keyId, 'now');
    await expectKsError(await exchange(t, appId, first), 400, 11002);
    await expectKsError(await v1(t, 'GET', '/currencies', { token: accessToken }), 400, 9000);

    const fresh = await tokensFor(t, appId, second);
    const list = await v1(t, 'GET', '/transaction', { token: fresh.accessToken });
    expect(await list.json()).toMatchObject({ result: { total: 1 } });

    // Disable: the outstanding tokens are revoked and refused on their very next use.
    const disabled = await call(t, 'POST', `/api/apps/${appId}/keys/${second.keyId}/disable`, {
      cookie: m.cookie
    });
    expect(disabled.status).toBe(200);
    await expectKsError(
      await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token: fresh.accessToken }),
      400,
      9000
    );
    await expectKsError(
      await v1(t, 'POST', '/auth/refresh-token', { token: fresh.refreshToken }),
      401,
      9008
    );
    await expectKsError(await exchange(t, appId, second), 400, 11002);

    // Enable (it was not replaced): the pair works again, old tokens stay revoked.
    const enabled = await call(t, 'POST', `/api/apps/${appId}/keys/${second.keyId}/enable`, {
      cookie: m.cookie
    });
    expect(enabled.status).toBe(200);
    await expectKsError(await v1(t, 'GET', '/currencies', { token: fresh.accessToken }), 400, 9000);
    expect((await exchange(t, appId, second)).status).toBe(201);
  });

  it('a grace period keeps the old pair working until its expiry, then refuses it', async () => {
    const m2 = await createMerchant(t);
    const app2 = await createTestApp(t, m2);
    const old = await generateKeys(t, m2, app2);
    const oldTokens = await tokensFor(t, app2, old);
    const next = await regenerateKeys(t, m2, app2, old.keyId, '1h');

    const keys = await call(t, 'GET', `/api/apps/${app2}/keys`, { cookie: m2.cookie });
    const listed = (await keys.json()) as {
      keys: { id: string; status: string; expiresAt: string }[];
    };
    expect(listed.keys.find((k) => k.id === old.keyId)).toMatchObject({
      status: 'expiring',
      expiresAt: new Date(t.clock.now().getTime() + HOUR).toISOString()
    });

    expect((await v1(t, 'GET', '/currencies', { token: oldTokens.accessToken })).status).toBe(200);
    t.clock.advance(HOUR - 60_000);
    const late = await tokensFor(t, app2, old);
    expect((await v1(t, 'GET', '/currencies', { token: late.accessToken })).status).toBe(200);
    expect((await exchange(t, app2, next)).status).toBe(201);

    // At the expiry the old pair and every token minted with it stop, though the token's own
    // 15 minutes are not over.
    t.clock.advance(60_000);
    await expectKsError(await exchange(t, app2, old), 400, 11002);
    await expectKsError(await v1(t, 'GET', '/currencies', { token: late.accessToken }), 400, 11002);
    const after = await call(t, 'GET', `/api/apps/${app2}/keys`, { cookie: m2.cookie });
    const statuses = ((await after.json()) as { keys: { id: string; status: string }[] }).keys;
    expect(statuses.find((k) => k.id === old.keyId)?.status).toBe('replaced');
    expect(statuses.find((k) => k.id === next.keyId)?.status).toBe('active');
  });
});
