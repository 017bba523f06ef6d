import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  clientSignature,
  closeServer,
  initiate,
  INR,
  payingApp,
  tokensFor,
  v1,
  type KeyPair,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

interface Initiated {
  pe_txnId: string;
  providerOrderId: string;
  amount: number;
  currency: string;
  status: string;
  signature: string;
}

describeEachDialect('sandbox payments: the documented flows', (dialect) => {
  let t: TestServer, appId: string, pair: KeyPair, token: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ appId, pair, token } = await payingApp(t));
  });
  afterAll(() => closeServer(t));

  async function pay(amount: number) {
    const { res, referenceNumber } = await initiate(t, token, amount);
    expect(res.status).toBe(201);
    const tx = ((await res.json()) as { result: Initiated }).result;
    const processed = await v1(t, 'POST', '/transaction/process', {
      token,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': clientSignature(pair.secretKey, { ...tx, referenceNumber }) }
    });
    expect(processed.status).toBe(200);
    return ((await processed.json()) as { result: { order: { status: string } } }).result.order;
  }

  it('lists currencies and their payment methods in KS Pay shape', async () => {
    const res = await v1(t, 'GET', '/currencies', { token });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { status: number; message: string; result: unknown[] };
    expect(body).toMatchObject({ status: 200, message: 'success' });
    expect(body.result).toContainEqual(
      expect.objectContaining({ id: INR, code: 'INR', type: 'FIAT', isActive: true })
    );
    const methods = await v1(t, 'GET', `/${INR}/payment-methods`, { token });
    expect(await methods.json()).toMatchObject({
      status: 200,
      result: expect.arrayContaining([
        { id: 'pm_QtgkfiiWb', name: 'DEBIT CARD', isActive: true }
      ]) as unknown
    });
  });

  it('settles by the cents: .00–.79 success, .80–.89 failed, .90–.99 pending', async () => {
    expect((await pay(10.0)).status).toBe('success');
    expect((await pay(10.79)).status).toBe('success');
    expect((await pay(10.8)).status).toBe('failed');
    expect((await pay(10.89)).status).toBe('failed');
    expect((await pay(10.9)).status).toBe('pending');
    expect((await pay(10.99)).status).toBe('pending');
  });

  it('initiates once per referenceNumber, also under concurrent retries', async () => {
    const ref = 'order-idem-1';
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        v1(t, 'POST', '/transaction/initiate', {
          token,
          body: {
            currencyId: INR,
            paymentMethodId: 'pm_Up1IndQ7x',
            amount: 42.5,
            referenceNumber: ref
          }
        })
      )
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      19
    );
    const ids = new Set(
      await Promise.all(
        responses.map(async (r) => ((await r.json()) as { result: Initiated }).result.pe_txnId)
      )
    );
    expect(ids.size).toBe(1);
    const rows = await t.services.db.db
      .selectFrom('transactions')
      .select('id')
      .where('reference_number', '=', ref)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('processes once: processing again answers the settled transaction unchanged', async () => {
    const { res, referenceNumber } = await initiate(t, token, 7.85);
    const tx = ((await res.json()) as { result: Initiated }).result;
    const sig = clientSignature(pair.secretKey, { ...tx, referenceNumber });
    const first = await v1(t, 'POST', '/transaction/process', {
      token,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': sig }
    });
    const firstOrder = ((await first.json()) as { result: { order: unknown } }).result.order;
    t.clock.advance(5000);
    const again = await v1(t, 'POST', '/transaction/process', {
      token,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': sig.toUpperCase() }
    });
    expect(((await again.json()) as { result: { order: unknown } }).result.order).toEqual(
      firstOrder
    );
    const fetched = await v1(t, 'GET', `/transaction/txnId/${tx.pe_txnId}`, { token });
    expect(await fetched.json()).toMatchObject({
      status: 200,
      result: {
        pe_txnId: tx.pe_txnId,
        referenceNumber,
        providerOrderId: tx.providerOrderId,
        amount: 7.85,
        currency: 'INR',
        paymentMode: 'UPI',
        gateway: 'KS Pay Sandbox',
        status: 'failed'
      }
    });
  });

  it('lists newest first, pages, filters by status and by a date range', async () => {
    const all = await v1(t, 'GET', '/transaction?limit=3', { token });
    const page1 = (await all.json()) as {
      result: { transactions: { createdAt: string }[]; total: number; page: number; limit: number };
    };
    expect(page1.result).toMatchObject({ page: 1, limit: 3 });
    expect(page1.result.transactions).toHaveLength(3);
    expect(page1.result.total).toBeGreaterThanOrEqual(8);
    const times = page1.result.transactions.map((x) => x.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const failed = await v1(t, 'GET', '/transaction?status=failed&limit=100', { token });
    const failedBody = (await failed.json()) as { result: { transactions: { status: string }[] } };
    expect(failedBody.result.transactions.length).toBeGreaterThan(0);
    expect(failedBody.result.transactions.every((x) => x.status === 'failed')).toBe(true);

    const today = t.clock.now().toISOString().slice(0, 10);
    const ranged = await v1(t, 'GET', `/transaction?fromDate=${today}&toDate=${today}&limit=100`, {
      token
    });
    const rangedBody = (await ranged.json()) as { result: { total: number } };
    expect(rangedBody.result.total).toBe(page1.result.total);
  });

  it('rotates tokens with the refresh token; the old refresh token is spent', async () => {
    const pairTokens = await tokensFor(t, appId, pair);
    const res = await v1(t, 'POST', '/auth/refresh-token', {
      headers: { authorization: pairTokens.refreshToken }
    });
    expect(res.status).toBe(201);
    const next = ((await res.json()) as { result: { accessToken: string; refreshToken: string } })
      .result;
    expect(next.refreshToken).not.toBe(pairTokens.refreshToken);
    expect((await v1(t, 'GET', '/currencies', { token: next.accessToken })).status).toBe(200);
    const replay = await v1(t, 'POST', '/auth/refresh-token', { token: pairTokens.refreshToken });
    expect(replay.status).toBe(401);
  });
});
