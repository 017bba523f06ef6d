import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createMerchant,
  createTestApp,
  generateKeys,
  initiate,
  regenerateKeys,
  setAppStatus,
  tokensFor,
  v1,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const MINUTE = 60 * 1000;

/**
 * `GET /v1/transaction/txnId/:id` checks its token in the same statement that reads the
 * transaction (payments/transaction-read.ts `bearerTransaction`), through a leaner read than the other
 * bearer routes. Whatever state the token, its key pair and its app are in, it must answer as
 * `GET /v1/transaction` does: the same HTTP status and KS Pay code, and never the transaction
 * when the token is refused.
 */
describeEachDialect('the transaction read refuses a token exactly as every bearer route', (d) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(d);
  });
  afterAll(() => t.close());

  /**
   * A fresh merchant (tests move the clock past older sessions) with an app, a key pair, an
   * access token and one transaction of its own.
   */
  async function world() {
    const m: Merchant = await createMerchant(t);
    const appId = await createTestApp(t, m);
    const pair = await generateKeys(t, m, appId);
    const { accessToken } = await tokensFor(t, appId, pair);
    const { res } = await initiate(t, accessToken, 12.5);
    expect(res.status).toBe(201);
    const txId = ((await res.json()) as { result: { pe_txnId: string } }).result.pe_txnId;
    return { m, appId, pair, token: accessToken, txId };
  }

  /** Status and KS Pay code of both routes; the body of the read, to look for the id in. */
  async function both(token: string, txId: string) {
    const list = await v1(t, 'GET', '/transaction', { token });
    const read = await v1(t, 'GET', `/transaction/txnId/${encodeURIComponent(txId)}`, { token });
    const listBody = (await list.json()) as { code?: number };
    const readText = await read.text();
    const readBody = JSON.parse(readText) as { code?: number };
    return {
      list: { http: list.status, code: listBody.code ?? null },
      read: { http: read.status, code: readBody.code ?? null },
      readText
    };
  }

  async function expectRefusedAlike(token: string, txId: string, code: number) {
    const r = await both(token, txId);
    expect(r.read).toEqual(r.list);
    expect(r.read.code).toBe(code);
    expect(r.readText).not.toContain(txId);
  }

  it('answers a live token with its own transaction, and 24 for an id it does not own', async () => {
    const a = await world();
    const b = await world();
    const mine = await v1(t, 'GET', `/transaction/txnId/${a.txId}`, { token: a.token });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({
      status: 200,
      result: { pe_txnId: a.txId, amount: 12.5, currency: 'INR', status: 'initiated' }
    });
    for (const id of [b.txId, 'tx_000000000', 'tx\u0000nul', '']) {
      const res = await v1(t, 'GET', `/transaction/txnId/${encodeURIComponent(id)}`, {
        token: a.token
      });
      const text = await res.text();
      if (id === '') {
        expect(res.status).toBe(404);
        continue;
      }
      expect({ http: res.status, code: (JSON.parse(text) as { code: number }).code }).toEqual({
        http: 404,
        code: 24
      });
      expect(text).not.toContain(b.txId);
    }
  });

  it('refuses an unknown, malformed or refresh token with 9000, whatever the id', async () => {
    const a = await world();
    const { refreshToken } = await tokensFor(t, a.appId, a.pair);
    for (const token of [`ksat_${'A'.repeat(43)}`, 'ksat_short', refreshToken]) {
      await expectRefusedAlike(token, a.txId, 9000);
      await expectRefusedAlike(token, 'tx_000000000', 9000);
    }
  });

  it('refuses an expired token with 9009 from its expiry on, not a millisecond before', async () => {
    const a = await world();
    t.clock.advance(15 * MINUTE - 1);
    expect((await both(a.token, a.txId)).read.http).toBe(200);
    t.clock.advance(1);
    await expectRefusedAlike(a.token, a.txId, 9009);
  });

  it('keeps an expiring pair working through its grace period, then refuses it with 11002', async () => {
    const a = await world();
    await regenerateKeys(t, a.m, a.appId, a.pair.keyId, '1h');
    t.clock.advance(59 * MINUTE);
    const late = await tokensFor(t, a.appId, a.pair);
    expect(await both(late.accessToken, a.txId)).toMatchObject({
      read: { http: 200 },
      list: { http: 200 }
    });
    t.clock.advance(MINUTE);
    await expectRefusedAlike(late.accessToken, a.txId, 11002);
  });

  it('refuses the token of a pair disabled in the database with 11002 (even if the token row survived)', async () => {
    const a = await world();
    for (const status of ['disabled', 'replaced'] as const) {
      await t.services.db.db
        .updateTable('api_keys')
        .set({ status })
        .where('id', '=', a.pair.keyId)
        .execute();
      await expectRefusedAlike(a.token, a.txId, 11002);
    }
  });

  it('refuses the token of a disabled or deleted app with 11011, and serves it again once re-enabled', async () => {
    const a = await world();
    await setAppStatus(t, a.appId, 'disabled');
    await expectRefusedAlike(a.token, a.txId, 11011);
    await setAppStatus(t, a.appId, 'active');
    expect((await both(a.token, a.txId)).read.http).toBe(200);
    await t.services.db.db
      .updateTable('apps')
      .set({ deleted_at: t.clock.now().toISOString() })
      .where('id', '=', a.appId)
      .execute();
    await expectRefusedAlike(a.token, a.txId, 11011);
  });
});
