import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeServer,
  createMerchant,
  createTestApp,
  expectKsError,
  generateKeys,
  INR,
  INR_UPI,
  tokensFor,
  v1,
  type TestServer
} from './helpers/payments';
import { snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/**
 * Initiate input that a database would store differently from what was sent: an amount below
 * one minor unit, a URL with a NUL or a lone surrogate. Each is either refused with KS Pay's
 * envelope and nothing written, or normalised once so that what is stored, answered and
 * compared for idempotency is the same value.
 */
describeEachDialect('payments API: amounts and redirect URLs as stored', (dialect) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    const m = await createMerchant(t);
    const appId = await createTestApp(t, m);
    token = (await tokensFor(t, appId, await generateKeys(t, m, appId))).accessToken;
  });
  afterAll(() => closeServer(t));

  let n = 0;
  const initiate = (fields: Record<string, unknown>) =>
    v1(t, 'POST', '/transaction/initiate', {
      token,
      body: {
        currencyId: INR,
        paymentMethodId: INR_UPI,
        amount: 10,
        referenceNumber: `in-${dialect}-${++n}`,
        ...fields
      }
    });

  async function refusedUnchanged(res: () => Promise<Response>, status: number, code: number) {
    const before = await snapshot(t, ['rate_limits']);
    const body = await expectKsError(await res(), status, code);
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    return body as unknown as { fields?: Record<string, string> };
  }

  describe('amount', () => {
    it('-19 for any amount that is not a whole number of minor units, however small', async () => {
      for (const amount of [1e-9, 5e-324, 0.001, 0.004999, 0.005, 1.005, 0.1 + 0.2]) {
        await refusedUnchanged(() => initiate({ amount }), 400, -19);
      }
    });

    it('stores exactly the minor units sent (0.01 is one paisa, not rounded away)', async () => {
      for (const [amount, minor] of [
        [0.01, 1],
        [345.67, 34567],
        [9_999_999.99, 999_999_999]
      ] as const) {
        const res = await initiate({ amount });
        expect(res.status).toBe(201);
        const { result } = (await res.json()) as { result: { pe_txnId: string; amount: number } };
        expect(result.amount).toBe(amount);
        const row = await t.services.db.db
          .selectFrom('transactions')
          .select('amount_minor')
          .where('id', '=', result.pe_txnId)
          .executeTakeFirstOrThrow();
        expect(Number(row.amount_minor)).toBe(minor);
      }
    });
  });

  describe('redirectUrl', () => {
    it('25 naming redirectUrl for a NUL or another control character, nothing stored', async () => {
      for (const redirectUrl of [
        'https://shop.example/a\u0000b',
        'https://shop.example/\u0000',
        'https://shop.example/a\tb',
        'https://shop.example/a\nb',
        'https://shop.example/\u007f',
        '\u0000https://shop.example/',
        'https://shop.example/\u0085'
      ]) {
        const body = await refusedUnchanged(() => initiate({ redirectUrl }), 400, 25);
        expect(Object.keys(body.fields ?? {})).toEqual(['redirectUrl']);
      }
    });

    it('answers and stores the WHATWG serialisation of the URL', async () => {
      const res = await initiate({ redirectUrl: 'HTTPS://Shop.Example:443/return?x=1 2' });
      expect(res.status).toBe(201);
      const { result } = (await res.json()) as { result: { pe_txnId: string } };
      const read = await v1(t, 'GET', `/transaction/txnId/${result.pe_txnId}`, { token });
      const { result: tx } = (await read.json()) as { result: { redirectUrl: string } };
      expect(tx.redirectUrl).toBe('https://shop.example/return?x=1%202');
    });

    it('a lone surrogate: the same request again is the same transaction, not 409', async () => {
      const fields = {
        referenceNumber: `lone-${dialect}`,
        redirectUrl: 'https://shop.example/\ud800'
      };
      const first = await initiate(fields);
      expect(first.status).toBe(201);
      const a = (await first.json()) as { result: { pe_txnId: string } };
      const again = await initiate(fields);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const b = (await again.json()) as { result: { pe_txnId: string } };
      expect(b.result.pe_txnId).toBe(a.result.pe_txnId);
      // The normalised spelling of the same URL is the same request too.
      const spelled = await initiate({ ...fields, redirectUrl: 'https://shop.example/%EF%BF%BD' });
      expect(spelled.status).toBe(201);
      expect(((await spelled.json()) as typeof a).result.pe_txnId).toBe(a.result.pe_txnId);
    });
  });
});
