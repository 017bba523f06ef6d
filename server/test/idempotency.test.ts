import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IDEMPOTENCY_LOCK_MS } from '../src/store/idempotency';
import {
  closeServer,
  expectKsError,
  INR,
  INR_UPI,
  payingApp,
  tokensFor,
  v1,
  type KeyPair,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const HOUR = 60 * 60 * 1000;

describeEachDialect('Idempotency-Key on POST /v1', (dialect) => {
  let t: TestServer;
  let token: string;
  let appId: string;
  let pair: KeyPair;
  let n = 0;

  beforeAll(async () => {
    t = await testServer(dialect);
    ({ token, appId, pair } = await payingApp(t));
  });
  afterAll(() => closeServer(t));

  const body = (referenceNumber: string, amount = 10) => ({
    currencyId: INR,
    paymentMethodId: INR_UPI,
    amount,
    referenceNumber
  });
  const post = (key: string, b: unknown) =>
    v1(t, 'POST', '/transaction/initiate', { token, body: b, headers: { 'idempotency-key': key } });
  const transactions = async () =>
    (
      await t.services.db.db
        .selectFrom('transactions')
        .select('id')
        .where('app_id', '=', appId)
        .execute()
    ).length;

  it('answers the stored answer to the same request, runs it once, and logs the replay', async () => {
    const key = `k-${++n}`;
    const first = await post(key, body('idem-1'));
    expect(first.status).toBe(201);
    const before = await transactions();
    const again = await post(key, body('idem-1'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(await transactions()).toBe(before);
    await t.services.usage.flush();
    const logged = await t.services.db.db
      .selectFrom('request_logs')
      .select(['idempotent_replay'])
      .where('app_id', '=', appId)
      .where('path', '=', '/v1/transaction/initiate')
      .orderBy('created_at')
      .execute();
    expect(logged.map((r) => r.idempotent_replay).sort()).toEqual([0, 1]);
  });

  it('answers 422 / 15001 to the same key with a different request, and changes nothing', async () => {
    const key = `k-${++n}`;
    expect((await post(key, body('idem-2'))).status).toBe(201);
    const before = await transactions();
    await expectKsError(await post(key, body('idem-2', 11)), 422, 15001);
    await expectKsError(await post(key, body('idem-2-other')), 422, 15001);
    expect(await transactions()).toBe(before);
  });

  it('replays refusals too, but not an answer the caller may fix by retrying with another key', async () => {
    const key = `k-${++n}`;
    const bad = { ...body('idem-3'), currencyId: 'c_nothing000' };
    await expectKsError(await post(key, bad), 400, 1052);
    const again = await post(key, bad);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await expectKsError(again, 400, 1052);
    expect((await post(`k-${++n}`, body('idem-3'))).status).toBe(201);
  });

  /** A fresh access token of the same pair: tokens live 15 minutes, these tests move hours. */
  const renew = async () => {
    token = (await tokensFor(t, appId, pair)).accessToken;
  };

  it('forgets a key after 24 hours', async () => {
    const key = `k-${++n}`;
    const first = await post(key, body('idem-4'));
    expect(first.status).toBe(201);
    t.clock.advance(23 * HOUR);
    await renew();
    await expectKsError(await post(key, body('idem-4-x')), 422, 15001);
    t.clock.advance(2 * HOUR);
    await renew();
    const later = await post(key, body('idem-4-x'));
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('prunes expired keys in the background', async () => {
    await post(`k-${++n}`, body('idem-8'));
    t.clock.advance(25 * HOUR);
    await renew();
    await t.services.usage.prune();
    const left = await t.services.db.db
      .selectFrom('idempotency_keys')
      .select('expires_at')
      .execute();
    const now = t.clock.now().toISOString();
    expect(left.every((r) => r.expires_at > now)).toBe(true);
  });

  it('refuses a malformed key with 400 / 25', async () => {
    await expectKsError(await post('x'.repeat(256), body('idem-5')), 400, 25);
    await expectKsError(await post('has space', body('idem-5')), 400, 25);
  });

  it('lets exactly one of concurrent duplicates run; the others wait with 409 or get its answer', async () => {
    const key = `k-${++n}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(key, body('idem-6'))));
    const kinds = await Promise.all(
      answers.map(async (r) => {
        if (r.status === 409) {
          expect(r.headers.get('retry-after')).toBe('1');
          await expectKsError(r, 409, 15002);
          return 'busy';
        }
        expect(r.status).toBe(201);
        return r.headers.get('idempotent-replayed') ? 'replay' : 'ran';
      })
    );
    expect(kinds.filter((k) => k === 'ran')).toHaveLength(1);
    const rows = await t.services.db.db
      .selectFrom('transactions')
      .select('id')
      .where('reference_number', '=', 'idem-6')
      .execute();
    expect(rows).toHaveLength(1);
    // The replays are the key's (the log marks them), not referenceNumber's own.
    await t.services.usage.flush();
    const replays = await t.services.db.db
      .selectFrom('request_logs')
      .select('id')
      .where('request_body', 'like', '%idem-6%')
      .where('idempotent_replay', '=', 1)
      .execute();
    expect(replays).toHaveLength(kinds.filter((k) => k === 'replay').length);
    expect(kinds.filter((k) => k !== 'ran').length).toBe(7);
  });

  it('takes over a claim its process left unanswered (a crash) after a minute', async () => {
    const key = `k-${++n}`;
    const b = body('idem-7');
    const print = createHash('sha256')
      .update(`POST\n/v1/transaction/initiate\n\n${JSON.stringify(b)}`)
      .digest('hex');
    const now = t.clock.now();
    await t.services.db.db
      .insertInto('idempotency_keys')
      .values({
        app_id: appId,
        idempotency_key: key,
        fingerprint: print,
        locked_at: now.toISOString(),
        response_status: null,
        response_sealed: null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 24 * HOUR).toISOString()
      })
      .execute();
    await expectKsError(await post(key, b), 409, 15002);
    t.clock.advance(IDEMPOTENCY_LOCK_MS + 1000);
    const taken = await post(key, b);
    expect(taken.status).toBe(201);
    expect(taken.headers.get('idempotent-replayed')).toBeNull();
    expect((await post(key, b)).headers.get('idempotent-replayed')).toBe('true');
  });
});
