import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSignature,
  closeServer,
  createMerchant,
  createTestApp,
  expectKsError,
  generateKeys,
  initiate,
  payingApp,
  regenerateKeys,
  tokensFor,
  v1,
  type KeyPair,
  type TestServer
} from './helpers/payments';
import { snapshot } from './helpers/security';
import { backfillSignatureDigests } from '../src/db/migrations/007_signature_digest';
import { describeEachDialect, testServer } from './helpers/services';

interface Initiated {
  pe_txnId: string;
  signature: string;
  amount: number;
  currency: string;
}
interface Order {
  order: { pe_txnId: string; status: string; updatedAt: string };
}

/**
 * `POST /v1/transaction/process` as KS Pay's reference calls it: the `x-signature` header and
 * no body. The signature names one transaction of the token's app, made with the token's pair.
 */
describeEachDialect('payments API: process by x-signature alone', (dialect) => {
  let t: TestServer, pair: KeyPair, token: string;
  let otherToken: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ pair, token } = await payingApp(t));
    ({ token: otherToken } = await payingApp(t));
  });
  afterAll(() => closeServer(t));

  async function initiated(amount: number, as = token): Promise<Initiated & { ref: string }> {
    const { res, referenceNumber } = await initiate(t, as, amount);
    expect(res.status).toBe(201);
    return { ...((await res.json()) as { result: Initiated }).result, ref: referenceNumber };
  }

  /** What KS Pay's reference sends: only the signature (and optionally a JSON content type). */
  const processBare = (signature: string, opts: { as?: string; contentType?: boolean } = {}) =>
    Promise.resolve(
      t.app.request('/v1/transaction/process', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.as ?? token}`,
          'x-signature': signature,
          ...(opts.contentType ? { 'content-type': 'application/json' } : {})
        }
      })
    );

  async function refusedUnchanged(res: () => Promise<Response>, status: number, code: number) {
    const before = await snapshot(t, ['rate_limits']);
    await expectKsError(await res(), status, code);
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
  }

  describe('happy', () => {
    it('settles the transaction the signature names, with or without a JSON content type', async () => {
      for (const [amount, status, contentType] of [
        [10, 'success', false],
        [10.85, 'failed', true],
        [10.95, 'pending', false]
      ] as const) {
        const tx = await initiated(amount);
        const res = await processBare(tx.signature, { contentType });
        expect(res.status, await res.clone().text()).toBe(200);
        const { result } = (await res.json()) as { result: Order };
        expect(result.order).toMatchObject({ pe_txnId: tx.pe_txnId, status });
      }
    });

    it('takes the signature the merchant computes from its secret, in any case', async () => {
      const tx = await initiated(12);
      const own = clientSignature(pair.secretKey, {
        pe_txnId: tx.pe_txnId,
        referenceNumber: tx.ref,
        amount: tx.amount,
        currency: tx.currency
      });
      expect(own).toBe(tx.signature);
      const res = await processBare(own.toUpperCase());
      expect(res.status).toBe(200);
    });

    it('the body form still works, and both forms answer the same settled order', async () => {
      const tx = await initiated(13);
      const withBody = await v1(t, 'POST', '/transaction/process', {
        token,
        body: { pe_txnId: tx.pe_txnId },
        headers: { 'x-signature': tx.signature }
      });
      expect(withBody.status).toBe(200);
      const bare = await processBare(tx.signature);
      expect(bare.status).toBe(200);
      expect(((await bare.json()) as { result: Order }).result).toEqual(
        ((await withBody.json()) as { result: Order }).result
      );
    });
  });

  describe('hostile', () => {
    it('9007 for a wrong, malformed or empty-looking signature; -9 without one', async () => {
      await initiated(14);
      for (const signature of ['a'.repeat(64), 'zz', 'a'.repeat(63), `${'a'.repeat(64)}00`]) {
        await refusedUnchanged(() => processBare(signature), 401, 9007);
      }
      await refusedUnchanged(
        () =>
          Promise.resolve(
            t.app.request('/v1/transaction/process', {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` }
            })
          ),
        400,
        -9
      );
    });

    it("another app's signature is refused like a wrong one, and its transaction untouched", async () => {
      const theirs = await initiated(15, otherToken);
      await refusedUnchanged(() => processBare(theirs.signature), 401, 9007);
      const wrong = await processBare('b'.repeat(64));
      const foreign = await processBare(theirs.signature);
      expect(await foreign.json()).toEqual(await wrong.json());
      // And with their own token it still works: nothing was consumed.
      expect((await processBare(theirs.signature, { as: otherToken })).status).toBe(200);
    });

    it("one transaction's signature cannot process another of the same app", async () => {
      const a = await initiated(16);
      const b = await initiated(17);
      await refusedUnchanged(
        () =>
          v1(t, 'POST', '/transaction/process', {
            token,
            body: { pe_txnId: b.pe_txnId },
            headers: { 'x-signature': a.signature }
          }),
        401,
        9007
      );
    });

    it('a replay answers the same settled order and changes nothing', async () => {
      const tx = await initiated(18.85);
      const first = await processBare(tx.signature);
      expect(first.status).toBe(200);
      const settled = ((await first.json()) as { result: Order }).result;
      t.clock.advance(60_000);
      const before = await snapshot(t, ['rate_limits']);
      const replays = await Promise.all([1, 2, 3].map(() => processBare(tx.signature)));
      for (const r of replays) {
        expect(r.status).toBe(200);
        expect(((await r.json()) as { result: Order }).result).toEqual(settled);
      }
      expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    });

    it('a signature made with a replaced pair is refused under the new pair', async () => {
      const m = await createMerchant(t);
      const app = await createTestApp(t, m);
      const old = await generateKeys(t, m, app);
      const oldToken = (await tokensFor(t, app, old)).accessToken;
      const { res } = await initiate(t, oldToken, 19);
      const tx = ((await res.json()) as { result: Initiated }).result;
      const fresh = await regenerateKeys(t, m, app, old.keyId);
      const freshToken = (await tokensFor(t, app, fresh)).accessToken;
      await refusedUnchanged(() => processBare(tx.signature, { as: freshToken }), 401, 9007);
    });

    it('a body that is not JSON, or names no string id, is still refused as before', async () => {
      const tx = await initiated(20);
      await refusedUnchanged(
        () =>
          Promise.resolve(
            t.app.request('/v1/transaction/process', {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'x-signature': tx.signature,
                'content-type': 'application/json'
              },
              body: '{"pe_txnId":'
            })
          ),
        400,
        25
      );
      await refusedUnchanged(
        () =>
          v1(t, 'POST', '/transaction/process', {
            token,
            body: { pe_txnId: 5 },
            headers: { 'x-signature': tx.signature }
          }),
        400,
        25
      );
    });
  });

  describe('get transaction by reference number', () => {
    it('answers the transaction of the token’s app with that referenceNumber', async () => {
      const tx = await initiated(21);
      const res = await v1(t, 'GET', `/transaction/referenceNo/${tx.ref}`, { token });
      expect(res.status).toBe(200);
      const byRef = (await res.json()) as { result: unknown };
      const byId = await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token });
      expect(byRef).toEqual(await byId.json());
    });

    it("another app's reference answers exactly like a missing one (404 / 24)", async () => {
      const theirs = await initiated(22, otherToken);
      const foreign = await v1(t, 'GET', `/transaction/referenceNo/${theirs.ref}`, { token });
      const missing = await v1(t, 'GET', '/transaction/referenceNo/no-such-ref', { token });
      const foreignBody = await expectKsError(foreign, 404, 24);
      expect(foreignBody).toEqual(await expectKsError(missing, 404, 24));
    });

    it('25 for a malformed reference; the token is checked first (9000)', async () => {
      for (const ref of ['a%20b', '%00', 'x'.repeat(65), '%F0%9F%91%A9']) {
        await refusedUnchanged(
          () => v1(t, 'GET', `/transaction/referenceNo/${ref}`, { token }),
          400,
          25
        );
      }
      await refusedUnchanged(() => v1(t, 'GET', '/transaction/referenceNo/a%20b'), 400, 9000);
    });
  });
});

describeEachDialect('007_signature_digest: transactions initiated before it', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  it('are processed by their signature alone once the migration has filled their digest', async () => {
    const m = await createMerchant(t);
    const appId = await createTestApp(t, m);
    const token = (await tokensFor(t, appId, await generateKeys(t, m, appId))).accessToken;
    const { res } = await initiate(t, token, 30);
    const tx = ((await res.json()) as { result: Initiated }).result;
    const { db } = t.services.db;
    // As a row written before 007 looks.
    await db.updateTable('transactions').set({ signature_digest: null }).execute();
    const bare = () =>
      Promise.resolve(
        t.app.request('/v1/transaction/process', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-signature': tx.signature }
        })
      );
    await expectKsError(await bare(), 401, 9007);
    await backfillSignatureDigests(db);
    const done = await bare();
    expect(done.status).toBe(200);
    expect(((await done.json()) as { result: Order }).result.order.pe_txnId).toBe(tx.pe_txnId);
  });
});
