import { generateKey } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_EXCHANGE_LIMIT } from '../src/payments/token-routes';
import {
  closeServer,
  createMerchant,
  createTestApp,
  exchange,
  expectKsError,
  generateKeys,
  initiate,
  INR,
  INR_UPI,
  payingApp,
  setAppStatus,
  tokensFor,
  USD_CARD,
  v1,
  type KeyPair,
  type TestServer
} from './helpers/payments';
import { snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const DAY = 24 * 60 * 60 * 1000;

describeEachDialect('payments API: KS Pay error codes, nothing changed', (dialect) => {
  let t: TestServer, appId: string, pair: KeyPair, token: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ appId, pair, token } = await payingApp(t));
  });
  afterAll(() => closeServer(t));

  /** The KS Pay envelope with `code`, and no table changed (rate-limit counters aside). */
  async function refused(res: () => Promise<Response>, status: number, code: number) {
    const before = await snapshot(t, ['rate_limits']);
    const response = await res();
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await expectKsError(response, status, code);
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    return body;
  }

  describe('token exchange', () => {
    const path = () => `/auth/generate-token/${appId}`;
    it('9002 when a key is missing', async () => {
      for (const body of [{}, { accessKey: pair.publicKey }, { secretKey: pair.secretKey }]) {
        await refused(() => v1(t, 'POST', path(), { body }), 400, 9002);
      }
    });
    it('9005 for malformed keys, swapped kinds or mixed modes', async () => {
      const live = generateKey('secret', 'live');
      for (const body of [
        { accessKey: 'kspk_test_nope', secretKey: pair.secretKey },
        { accessKey: pair.secretKey, secretKey: pair.publicKey },
        { accessKey: pair.publicKey, secretKey: live }
      ]) {
        await refused(() => v1(t, 'POST', path(), { body }), 400, 9005);
      }
    });
    it('-17 for an app id of the wrong shape', () =>
      refused(() => exchange(t, 'ap_short', pair), 400, -17));
    it('11001 for a well-formed key that does not exist, or belongs to another app', async () => {
      const stranger = { publicKey: generateKey('public', 'test'), secretKey: pair.secretKey };
      await refused(() => exchange(t, appId, stranger), 400, 11001);
      await refused(() => exchange(t, 'ap_000000000', pair), 400, 11001);
    });
    it('11004 for the wrong secret', () =>
      refused(
        () => exchange(t, appId, { ...pair, secretKey: generateKey('secret', 'test') }),
        400,
        11004
      ));
    it('11011 when the app is disabled, for exchange and for outstanding tokens', async () => {
      await setAppStatus(t, appId, 'disabled');
      try {
        await refused(() => exchange(t, appId, pair), 404, 11011);
        await refused(() => v1(t, 'GET', '/transaction', { token }), 404, 11011);
      } finally {
        await setAppStatus(t, appId, 'active');
      }
    });
    it('25 for unknown fields and a body that is not JSON; 415 for a form', async () => {
      await refused(
        () =>
          v1(t, 'POST', path(), {
            body: { accessKey: pair.publicKey, secretKey: pair.secretKey, x: 1 }
          }),
        400,
        25
      );
      await refused(
        () =>
          t.app.request(`/v1${path()}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"a":'
          }) as Promise<Response>,
        400,
        25
      );
      await refused(
        () =>
          t.app.request(`/v1${path()}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'accessKey=x'
          }) as Promise<Response>,
        415,
        25
      );
    });
    it('413 for a body over 16 KiB', () =>
      refused(
        () => v1(t, 'POST', path(), { body: { accessKey: 'x'.repeat(17 * 1024) } }),
        413,
        25
      ));
    it('11005 with Retry-After once a key exceeds its exchange limit', async () => {
      const m = await createMerchant(t);
      const app2 = await createTestApp(t, m);
      const p2 = await generateKeys(t, m, app2);
      for (let i = 0; i < TOKEN_EXCHANGE_LIMIT.max; i++) {
        expect(
          (await exchange(t, app2, { ...p2, secretKey: generateKey('secret', 'test') })).status
        ).toBe(400);
      }
      const limited = await exchange(t, app2, p2);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectKsError(limited, 429, 11005);
      t.clock.advance(TOKEN_EXCHANGE_LIMIT.windowMs);
      expect((await exchange(t, app2, p2)).status).toBe(201);
    });
  });

  describe('bearer tokens', () => {
    it('9000 without a token, with a malformed or unknown one, or with a cookie only', async () => {
      await refused(() => v1(t, 'GET', '/transaction'), 400, 9000);
      await refused(() => v1(t, 'GET', '/transaction', { token: 'nope' }), 400, 9000);
      await refused(
        () => v1(t, 'GET', '/transaction', { token: `ksat_${'A'.repeat(43)}` }),
        400,
        9000
      );
      await refused(
        () => v1(t, 'GET', '/transaction', { headers: { cookie: 'kspay_session=whatever' } }),
        400,
        9000
      );
    });
    it('9009 for an expired access token; 9008 for a refresh token used as access', async () => {
      const fresh = await tokensFor(t, appId, pair);
      await refused(() => v1(t, 'GET', '/currencies', { token: fresh.refreshToken }), 400, 9000);
      await refused(
        () => v1(t, 'POST', '/auth/refresh-token', { token: fresh.accessToken }),
        401,
        9008
      );
      t.clock.advance(15 * 60 * 1000);
      await refused(() => v1(t, 'GET', '/currencies', { token: fresh.accessToken }), 401, 9009);
      token = (await tokensFor(t, appId, pair)).accessToken;
    });
  });

  describe('transactions', () => {
    const body = {
      currencyId: INR,
      paymentMethodId: INR_UPI,
      amount: 10,
      referenceNumber: 'r-err'
    };
    it('25 naming the fields for a bad initiate body; -19 for sub-cent amounts', async () => {
      const res = await refused(
        () =>
          v1(t, 'POST', '/transaction/initiate', {
            token,
            body: { ...body, amount: -1, referenceNumber: 'a b' }
          }),
        400,
        25
      );
      expect(Object.keys((res as unknown as { fields: object }).fields).sort()).toEqual([
        'amount',
        'referenceNumber'
      ]);
      await refused(
        () => v1(t, 'POST', '/transaction/initiate', { token, body: { ...body, amount: 1.005 } }),
        400,
        -19
      );
    });
    it('1052 unknown currency, 13006 method of another currency, 23 another app id', async () => {
      await refused(
        () =>
          v1(t, 'POST', '/transaction/initiate', {
            token,
            body: { ...body, currencyId: 'c_nope' }
          }),
        400,
        1052
      );
      await refused(
        () =>
          v1(t, 'POST', '/transaction/initiate', {
            token,
            body: { ...body, paymentMethodId: USD_CARD }
          }),
        400,
        13006
      );
      await refused(
        () =>
          v1(t, 'POST', '/transaction/initiate', {
            token,
            body: { ...body, appId: 'ap_000000000' }
          }),
        404,
        23
      );
      await refused(() => v1(t, 'GET', '/constructor/payment-methods', { token }), 400, 1052);
    });
    it('409 / -17 when a referenceNumber is reused with other details', async () => {
      const { res } = await initiate(t, token, 5, 'r-reused');
      expect(res.status).toBe(201);
      await refused(
        () =>
          v1(t, 'POST', '/transaction/initiate', {
            token,
            body: { ...body, amount: 6, referenceNumber: 'r-reused' }
          }),
        409,
        -17
      );
    });
    it('-9 without x-signature, 9007 with a wrong one, 24 for an unknown transaction', async () => {
      const { res } = await initiate(t, token, 3);
      const { result } = (await res.json()) as { result: { pe_txnId: string } };
      const process = (headers: Record<string, string>, id = result.pe_txnId) =>
        v1(t, 'POST', '/transaction/process', { token, body: { pe_txnId: id }, headers });
      await refused(() => process({}), 400, -9);
      await refused(() => process({ 'x-signature': 'zz' }), 401, 9007);
      await refused(() => process({ 'x-signature': 'a'.repeat(64) }), 401, 9007);
      await refused(() => process({ 'x-signature': 'a'.repeat(64) }, 'tx_000000000'), 404, 24);
      await refused(() => v1(t, 'GET', '/transaction/txnId/tx_000000000', { token }), 404, 24);
    });
    it('applies the date-range rules with their codes (11006–11011)', async () => {
      const day = (offset: number) =>
        new Date(t.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);
      const list = (q: string) => () => v1(t, 'GET', `/transaction?${q}`, { token });
      await refused(list(`fromDate=${day(0)}`), 400, 11010);
      await refused(list(`fromDate=${day(0)}&toDate=${day(-1)}`), 400, 11007);
      await refused(list(`fromDate=${day(1)}&toDate=${day(2)}`), 400, 11009);
      await refused(list(`fromDate=${day(0)}&toDate=${day(1)}`), 400, 11011);
      await refused(list(`fromDate=${day(-91)}&toDate=${day(0)}`), 400, 11006);
      await refused(list(`fromDate=${day(-5)}&toDate=${day(0)}`), 400, 11008);
      await refused(list('fromDate=2026-02-30&toDate=2026-03-01'), 400, 25);
    });
    it('4089 / 4056 for a bad page or limit', async () => {
      await refused(() => v1(t, 'GET', '/transaction?page=0', { token }), 400, 4089);
      await refused(() => v1(t, 'GET', '/transaction?page=x', { token }), 400, 4089);
      await refused(() => v1(t, 'GET', '/transaction?limit=-3', { token }), 400, 4056);
    });
  });

  it('-10 for an unknown /v1 path', () => refused(() => v1(t, 'GET', '/nope/nope/nope'), 404, -10));
});
