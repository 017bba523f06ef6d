import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  clientSignature,
  closeServer,
  initiate,
  payingApp,
  v1,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';
import { addEndpoint, deliveryLog, receiver, testWorker, type Received } from './helpers/webhooks';
import { call } from './helpers/security';
import { RETRY_HORIZON_MS } from '../src/store/deliveries';

const HOUR = 60 * 60 * 1000;
const headersOf = (r: Received) => r.headers as Record<string, string>;

/**
 * Whether `secret` signed this request, checked with the library's own signer (its `verify`
 * also compares the timestamp with the real clock, which these tests move).
 */
function signedWith(secret: string, r: Received): boolean {
  const expected = new Webhook(secret).sign(
    r.headers['webhook-id'] as string,
    new Date(Number(r.headers['webhook-timestamp']) * 1000),
    r.body
  );
  return (r.headers['webhook-signature'] as string).split(' ').includes(expected);
}

describeEachDialect('webhooks: signed delivery until acknowledged', (dialect) => {
  let t: TestServer, m: Merchant, appId: string, token: string;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ m, appId, token } = await payingApp(t));
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await closeServer(t);
  });

  async function hook(...replies: Parameters<typeof receiver>) {
    const r = await receiver(...replies);
    closers.push(() => r.close());
    return r;
  }

  /** An app of its own per case, so each reads only its own deliveries. */
  const freshApp = () => payingApp(t);

  it('posts a payment event signed per Standard Webhooks and logs the attempt', async () => {
    const r = await hook({ status: 200, body: 'thanks' });
    const ep = await addEndpoint(t, m, appId, r.url);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { res } = await initiate(t, token, 12.5);
    const txn = ((await res.json()) as { result: { pe_txnId: string } }).result.pe_txnId;

    expect(await testWorker(t).runOnce()).toBe(1);
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    const verified = new Webhook(ep.secret).verify(got.body, headersOf(got)) as {
      id: string;
      type: string;
      data: { pe_txnId: string; status: string };
    };
    expect(verified).toMatchObject({
      type: 'transaction.created',
      data: { pe_txnId: txn, status: 'initiated' }
    });
    expect(got.headers['webhook-id']).toBe(verified.id);
    // A wrong secret does not verify.
    const other = new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`);
    expect(() => other.verify(got.body, headersOf(got))).toThrow();

    const [logged] = await deliveryLog(t, m, appId, ep.id);
    expect(logged).toMatchObject({
      eventId: verified.id,
      eventType: 'transaction.created',
      attempt: 1,
      status: 'succeeded',
      responseStatus: 200,
      responseExcerpt: 'thanks',
      error: null
    });
    expect(logged?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps only the first 2 KB of a response', async () => {
    const p = await freshApp();
    const r = await hook({ status: 200, body: 'é'.repeat(3000) });
    const ep = await addEndpoint(t, p.m, p.appId, r.url);
    await initiate(t, p.token, 3);
    await testWorker(t).runOnce();
    const [logged] = await deliveryLog(t, p.m, p.appId, ep.id);
    expect(Buffer.byteLength(logged?.responseExcerpt ?? '')).toBe(2048);
  });

  it('retries a timeout, a 500 and a dropped connection with growing waits until a 200', async () => {
    const p = await freshApp();
    const r = await hook(
      'hang',
      { status: 500, body: 'boom' },
      'close',
      { status: 200 },
      {
        status: 200
      }
    );
    const ep = await addEndpoint(t, p.m, p.appId, r.url);
    await initiate(t, p.token, 4);
    const worker = testWorker(t, { timeoutMs: 300 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await worker.runOnce(), `attempt ${i + 1}`).toBe(1);
      // Nothing is due again before its back-off has passed.
      expect(await worker.runOnce()).toBe(0);
      const log = await deliveryLog(t, p.m, p.appId, ep.id);
      const pending = log.find((a) => a.status === 'pending');
      if (!pending) break;
      const wait = Date.parse(pending.nextAttemptAt) - t.clock.now().getTime();
      waits.push(wait);
      t.clock.advance(wait);
    }
    const log = (await deliveryLog(t, p.m, p.appId, ep.id)).reverse();
    expect(log.map((a) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [1, 'failed', null],
      [2, 'failed', 500],
      [3, 'failed', null],
      [4, 'succeeded', 200]
    ]);
    expect(log[0]?.error).toMatch(/no answer within/);
    expect(log[1]?.responseExcerpt).toBe('boom');
    expect(log[2]?.error).toBeTruthy();
    // Exponential back-off (random fixed at 0.5: 3/4 of 10 s, 20 s, 40 s).
    expect(waits).toEqual([7_500, 15_000, 30_000]);
    // Every attempt carried the same event id; once acknowledged, nothing more is sent.
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    t.clock.advance(2 * HOUR);
    expect(await worker.runOnce()).toBe(0);
    expect(r.received).toHaveLength(4);
    worker.close();
  });

  it('delivers a resent event again, and a receiver answering 200 twice sees one event id', async () => {
    const p = await freshApp();
    const r = await hook({ status: 200 });
    const ep = await addEndpoint(t, p.m, p.appId, r.url);
    await initiate(t, p.token, 5);
    const worker = testWorker(t);
    await worker.runOnce();
    const [first] = await deliveryLog(t, p.m, p.appId, ep.id);
    const resent = await call(t, 'POST', `/api/apps/${p.appId}/webhooks/${ep.id}/resend`, {
      cookie: p.m.cookie,
      body: { eventId: first?.eventId }
    });
    expect(resent.status).toBe(202);
    expect(await worker.runOnce()).toBe(1);
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([
      first?.eventId,
      first?.eventId
    ]);
    const log = await deliveryLog(t, p.m, p.appId, ep.id);
    expect(log.map((a) => a.status)).toEqual(['succeeded', 'succeeded']);
    worker.close();
  });

  it('gives up after 3 days, disables the endpoint and emails the owner', async () => {
    const p = await freshApp();
    const r = await hook({ status: 503 });
    const ep = await addEndpoint(t, p.m, p.appId, r.url);
    await initiate(t, p.token, 6);
    const worker = testWorker(t);
    const started = t.clock.now().getTime();
    let attempts = 0;
    while ((await worker.runOnce()) > 0) {
      attempts++;
      const pending = (await deliveryLog(t, p.m, p.appId, ep.id)).find(
        (a) => a.status === 'pending'
      );
      if (!pending) break;
      t.clock.advance(Date.parse(pending.nextAttemptAt) - t.clock.now().getTime());
    }
    expect(attempts).toBeGreaterThan(10);
    expect(t.clock.now().getTime() - started).toBeLessThanOrEqual(RETRY_HORIZON_MS);
    expect(t.clock.now().getTime() - started).toBeGreaterThan(RETRY_HORIZON_MS - 6 * HOUR);
    const listed = await call(t, 'GET', `/api/apps/${p.appId}/webhooks`, { cookie: p.m.cookie });
    const { endpoints } = (await listed.json()) as {
      endpoints: { id: string; status: string; failingSince: string | null }[];
    };
    expect(endpoints[0]).toMatchObject({ id: ep.id, status: 'disabled' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const mail = t.mailer.sent.filter((x) => x.to === p.m.email && /disabled/.test(x.subject));
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text).toContain(r.url);
    // A disabled endpoint gets nothing, even for new events.
    await initiate(t, p.token, 7);
    expect(await worker.runOnce()).toBe(0);
    worker.close();
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    const p = await freshApp();
    const r = await hook({ status: 200 });
    const ep = await addEndpoint(t, p.m, p.appId, r.url);
    const rotated = await call(t, 'POST', `/api/apps/${p.appId}/webhooks/${ep.id}/rotate`, {
      cookie: p.m.cookie
    });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(ep.secret);
    await initiate(t, p.token, 8);
    const worker = testWorker(t);
    await worker.runOnce();
    const got = r.received[0]!;
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(signedWith(ep.secret, got)).toBe(true);
    expect(signedWith(secret, got)).toBe(true);

    t.clock.advance(24 * HOUR + 1000);
    // "Send test event" (the access token has expired by now).
    const test = await call(t, 'POST', `/api/apps/${p.appId}/webhooks/${ep.id}/test`, {
      cookie: p.m.cookie
    });
    expect(test.status).toBe(202);
    await worker.runOnce();
    const later = r.received[1]!;
    expect(String(later.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(JSON.parse(later.body)).toMatchObject({ type: 'webhook.test' });
    expect(signedWith(secret, later)).toBe(true);
    expect(signedWith(ep.secret, later)).toBe(false);
    worker.close();
  });

  it('never shows or stores a signing secret in clear after it was answered', async () => {
    const p = await freshApp();
    const ep = await addEndpoint(t, p.m, p.appId, 'https://hooks.example.com/x');
    const listed = await call(t, 'GET', `/api/apps/${p.appId}/webhooks`, { cookie: p.m.cookie });
    expect(await listed.text()).not.toContain(ep.secret.slice(6));
    const row = await t.services.db.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', ep.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(ep.secret.slice(6));
    expect(t.logs.join('\n')).not.toContain(ep.secret.slice(6));
  });

  it('records an event for every payment outcome, sent to the endpoints that asked for it', async () => {
    const p = await freshApp();
    const r = await hook({ status: 200 });
    await addEndpoint(t, p.m, p.appId, r.url, ['transaction.failed']);
    const worker = testWorker(t);
    for (const amount of [10.1, 10.85]) {
      const { res, referenceNumber } = await initiate(t, p.token, amount);
      const tx = (
        (await res.json()) as { result: { pe_txnId: string; amount: number; currency: string } }
      ).result;
      const processed = await v1(t, 'POST', '/transaction/process', {
        token: p.token,
        body: { pe_txnId: tx.pe_txnId },
        headers: { 'x-signature': clientSignature(p.pair.secretKey, { ...tx, referenceNumber }) }
      });
      expect(processed.status).toBe(200);
    }
    await worker.runOnce();
    expect(r.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual([
      'transaction.failed'
    ]);
    const types = await t.services.db.db
      .selectFrom('events')
      .select('type')
      .where('app_id', '=', p.appId)
      .orderBy('created_at')
      .orderBy('type')
      .execute();
    expect(types.map((e) => e.type).sort()).toEqual([
      'transaction.created',
      'transaction.created',
      'transaction.failed',
      'transaction.succeeded'
    ]);
    worker.close();
  });
});
