import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import {
  call,
  clientSignature,
  closeServer,
  createMerchant,
  createTestApp,
  expectKsError,
  generateKeys,
  INR,
  initiate,
  tokensFor,
  v1,
  type KeyPair,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const SHOP = 'https://shop.example.com';

/** Changes one character inside the random part: same format, wrong checksum. */
function mistype(key: string): string {
  const i = 15;
  return key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
}

describeEachDialect('payments API: security', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  let pair: KeyPair;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
    pair = await generateKeys(t, m, appId);
    await call(t, 'POST', `/api/apps/${appId}/domains`, {
      cookie: m.cookie,
      body: { origin: SHOP }
    });
  });
  afterAll(() => closeServer(t));

  describe('a mistyped key is refused offline', () => {
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result)
    };
    const counted = () =>
      createApp({
        ...t.services,
        db: { ...t.services.db, db: t.services.db.db.withPlugin(counter) }
      });
    const exchangeOn = (app: ReturnType<typeof createApp>, body: object) =>
      app.request(`/v1/auth/generate-token/${appId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      });

    it('without a single database query (and the counter does count real lookups)', async () => {
      const app = counted();
      queries = 0;
      const typoSecret = await exchangeOn(app, {
        accessKey: pair.publicKey,
        secretKey: mistype(pair.secretKey)
      });
      await expectKsError(typoSecret, 400, 9005);
      const typoPublic = await exchangeOn(app, {
        accessKey: mistype(pair.publicKey),
        secretKey: pair.secretKey
      });
      await expectKsError(typoPublic, 400, 9005);
      const browser = await app.request('/v1/currencies', {
        headers: { 'x-access-key': mistype(pair.publicKey), origin: SHOP }
      });
      await expectKsError(browser, 400, 9005);
      expect(queries).toBe(0);

      const good = await exchangeOn(app, { accessKey: pair.publicKey, secretKey: pair.secretKey });
      expect(good.status).toBe(201);
      expect(queries).toBeGreaterThan(0);
    });
  });

  describe('the public key from a browser', () => {
    const get = (path: string, headers: Record<string, string>) =>
      t.app.request(`/v1${path}`, { headers });

    it('reads the catalog from an allowed origin, with CORS headers for that origin', async () => {
      for (const path of ['/currencies', `/${INR}/payment-methods`]) {
        const res = await get(path, { 'x-access-key': pair.publicKey, origin: SHOP });
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
        expect(res.headers.get('vary')).toContain('Origin');
      }
    });

    it('answers 13007 without CORS headers to any other origin, or none', async () => {
      for (const origin of [
        'https://evil.example.com',
        'https://shop.example.com.evil.com',
        'null'
      ]) {
        const res = await get('/currencies', { 'x-access-key': pair.publicKey, origin });
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        await expectKsError(res, 403, 13007);
      }
      await expectKsError(await get('/currencies', { 'x-access-key': pair.publicKey }), 403, 13007);
    });

    it("does not open one app's origin to another app's key", async () => {
      const other = await createTestApp(t, m);
      const otherPair = await generateKeys(t, m, other);
      await expectKsError(
        await get('/currencies', { 'x-access-key': otherPair.publicKey, origin: SHOP }),
        403,
        13007
      );
    });

    it('unlocks nothing else: transactions need a token, a secret key is not a public key', async () => {
      await expectKsError(
        await get('/transaction', { 'x-access-key': pair.publicKey, origin: SHOP }),
        400,
        9000
      );
      await expectKsError(
        await get('/currencies', { 'x-access-key': pair.secretKey, origin: SHOP }),
        400,
        9005
      );
    });

    it('answers preflights for allowed origins on the catalog paths only', async () => {
      const preflight = (path: string, origin: string) =>
        t.app.request(`/v1${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'x-access-key'
          }
        });
      const ok = await preflight('/currencies', SHOP);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(ok.headers.get('access-control-allow-headers')).toBe('x-access-key');
      expect(ok.headers.get('access-control-allow-methods')).toBe('GET');
      const evil = await preflight('/currencies', 'https://evil.example.com');
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      await expectKsError(evil, 403, 13007);
      await expectKsError(await preflight('/transaction/initiate', SHOP), 403, 13007);
    });

    it('a disabled pair is refused (11002) even from an allowed origin', async () => {
      const other = await createTestApp(t, m);
      const p = await generateKeys(t, m, other);
      await call(t, 'POST', `/api/apps/${other}/domains`, {
        cookie: m.cookie,
        body: { origin: SHOP }
      });
      await call(t, 'POST', `/api/apps/${other}/keys/${p.keyId}/disable`, { cookie: m.cookie });
      await expectKsError(
        await get('/currencies', { 'x-access-key': p.publicKey, origin: SHOP }),
        400,
        11002
      );
    });
  });

  it("another app's token cannot read or process this app's transactions (24)", async () => {
    const token = (await tokensFor(t, appId, pair)).accessToken;
    const { res, referenceNumber } = await initiate(t, token, 12);
    const tx = (
      (await res.json()) as { result: { pe_txnId: string; amount: number; currency: string } }
    ).result;

    const intruder = await createMerchant(t);
    const theirApp = await createTestApp(t, intruder);
    const theirPair = await generateKeys(t, intruder, theirApp);
    const theirToken = (await tokensFor(t, theirApp, theirPair)).accessToken;
    await expectKsError(
      await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token: theirToken }),
      404,
      24
    );
    const processed = await v1(t, 'POST', '/transaction/process', {
      token: theirToken,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': clientSignature(theirPair.secretKey, { ...tx, referenceNumber }) }
    });
    await expectKsError(processed, 404, 24);
    const list = await v1(t, 'GET', '/transaction', { token: theirToken });
    expect(await list.json()).toMatchObject({ result: { total: 0, transactions: [] } });
  });

  it('a signature made with another secret does not process the transaction', async () => {
    const token = (await tokensFor(t, appId, pair)).accessToken;
    const { res, referenceNumber } = await initiate(t, token, 13);
    const tx = (
      (await res.json()) as { result: { pe_txnId: string; amount: number; currency: string } }
    ).result;
    // Another last character (never the same one: that would be the real secret).
    const last = pair.secretKey.endsWith('x') ? 'y' : 'x';
    const forged = clientSignature(pair.secretKey.slice(0, -1) + last, { ...tx, referenceNumber });
    const processed = await v1(t, 'POST', '/transaction/process', {
      token,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': forged }
    });
    await expectKsError(processed, 401, 9007);
    const fetched = await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token });
    expect(await fetched.json()).toMatchObject({ result: { status: 'initiated' } });
  });

  it('every answer, success or refusal, is uncacheable, unsniffable and unframeable', async () => {
    const token = (await tokensFor(t, appId, pair)).accessToken;
    const { res: created } = await initiate(t, token, 14);
    const tx = ((await created.json()) as { result: { pe_txnId: string } }).result;
    const answers = [
      created,
      await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token }),
      await v1(t, 'GET', '/transaction/txnId/tx_nothere', { token }),
      await v1(t, 'GET', '/currencies'),
      await v1(t, 'GET', '/no/such/endpoint', { token }),
      await v1(t, 'POST', '/transaction/initiate', { token, body: '{' })
    ];
    expect(answers.map((r) => r.status)).toEqual([201, 200, 404, 400, 404, 400]);
    for (const res of answers) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'"
      );
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Each answer has its own id, and a caller's own (plain) request id is kept for tracing.
    expect(new Set(answers.map((r) => r.headers.get('x-request-id'))).size).toBe(answers.length);
    const traced = await v1(t, 'GET', '/currencies', {
      token,
      headers: { 'x-request-id': 'order-4711' }
    });
    expect(traced.headers.get('x-request-id')).toBe('order-4711');
    const hostile = await v1(t, 'GET', '/currencies', {
      token,
      headers: { 'x-request-id': 'evil"\\<script>' }
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
