import type { RequestLogDetail, RequestLogPage } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RequestLogsTable } from '../src/db/schema';
import { newId } from '@kspay/shared/ids';
import { usageRecorder } from '../src/usage/recorder';
import {
  call,
  closeServer,
  initiate,
  payingApp,
  v1,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

const DAY = 24 * 60 * 60 * 1000;

async function page(t: TestServer, m: Merchant, appId: string, query = '') {
  const res = await call(t, 'GET', `/api/apps/${appId}/logs${query}`, { cookie: m.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as RequestLogPage;
}

/** Rows straight into the table, for paging and filters at chosen times. */
function row(appId: string, at: string, over: Partial<RequestLogsTable> = {}): RequestLogsTable {
  return {
    id: newId('rq'),
    app_id: appId,
    key_id: null,
    created_at: at,
    method: 'GET',
    path: '/v1/currencies',
    status: 200,
    ks_code: null,
    latency_us: 1500,
    ip: null,
    origin: null,
    request_id: newId('rq'),
    idempotent_replay: 0,
    request_body: null,
    response_body: null,
    ...over
  };
}

describeEachDialect('request logs', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  let token: string;

  beforeAll(async () => {
    t = await testServer(dialect);
    ({ m, appId, token } = await payingApp(t));
  });
  afterAll(() => closeServer(t));

  it('logs each /v1 call of the app with what a merchant debugs by, once flushed', async () => {
    // The test clock stands still: each call a second apart, so newest-first is this order.
    t.clock.advance(1000);
    const { res } = await initiate(t, token, 12.5, 'order-1001');
    expect(res.status).toBe(201);
    t.clock.advance(1000);
    const missing = await v1(t, 'GET', '/transaction/txnId/tx_000000000', {
      token,
      headers: { 'x-request-id': 'my-trace-42', origin: 'https://shop.example' }
    });
    expect(missing.status).toBe(404);
    // Nothing is written on the request's path.
    expect((await page(t, m, appId)).logs).toEqual([]);
    await t.services.usage.flush();

    const { logs } = await page(t, m, appId);
    expect(logs.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
      'GET /v1/transaction/txnId/tx_000000000 404',
      'POST /v1/transaction/initiate 201',
      `POST /v1/auth/generate-token/${appId} 201`
    ]);
    const [read, made] = logs as [RequestLogDetail, RequestLogDetail];
    expect(read).toMatchObject({
      ksCode: 24,
      requestId: 'my-trace-42',
      origin: 'https://shop.example',
      idempotentReplay: false
    });
    expect(read.keyPrefix).toMatch(/^kspk_test_[A-Za-z0-9]{6}…$/);
    expect(read.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(made.requestBody ?? '')).toMatchObject({
      amount: 12.5,
      referenceNumber: 'order-1001'
    });
    const answer = JSON.parse(made.responseBody ?? '') as { result: Record<string, unknown> };
    expect(answer.result.signature).toBe('[redacted]');
    expect(made.ksCode).toBeNull();

    const res2 = await call(t, 'GET', `/api/apps/${appId}/logs/${read.id}`, { cookie: m.cookie });
    expect(await res2.json()).toEqual(read);
  });

  it('does not log calls that name no app (an unknown token)', async () => {
    await t.services.usage.flush();
    const before = (await page(t, m, appId)).logs.length;
    await v1(t, 'GET', '/transaction', { token: `ksat_${'A'.repeat(43)}` });
    await t.services.usage.flush();
    const count = await t.services.db.db
      .selectFrom('request_logs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(before);
  });

  it('pages newest first exactly once, rows of the same millisecond included', async () => {
    const other = await payingApp(t);
    const at = (i: number) =>
      new Date(Date.UTC(2026, 5, 1, 10, 0, 0, Math.floor(i / 4))).toISOString();
    const rows = Array.from({ length: 23 }, (_, i) => row(other.appId, at(i)));
    await t.services.db.db.insertInto('request_logs').values(rows).execute();
    await t.services.usage.flush(); // the app's own token exchange, now the newest
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const p = await page(
        t,
        other.m,
        other.appId,
        `?limit=5&before=${encodeURIComponent(cursor)}`
      );
      seen.push(...p.logs.map((l) => l.id));
      cursor = p.nextCursor;
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
    const expected = [...rows]
      .sort((a, b) =>
        a.created_at === b.created_at
          ? a.id < b.id
            ? 1
            : -1
          : a.created_at < b.created_at
            ? 1
            : -1
      )
      .map((r) => r.id);
    expect(seen.slice(1)).toEqual(expected);
  });

  it('filters by status class, path and days of the account zone', async () => {
    const other = await payingApp(t);
    await t.services.db.db
      .updateTable('users')
      .set({ time_zone: 'Asia/Kolkata' })
      .where('id', '=', other.m.id)
      .execute();
    await t.services.db.db
      .insertInto('request_logs')
      .values([
        // 2026-03-09 23:00 in Kolkata (UTC+5:30) is still March 9th there.
        row(other.appId, '2026-03-09T17:30:00.000Z', {
          status: 201,
          path: '/v1/transaction/initiate'
        }),
        row(other.appId, '2026-03-09T18:30:00.000Z', {
          status: 404,
          path: '/v1/transaction/txnId/tx_1'
        }),
        row(other.appId, '2026-03-10T10:00:00.000Z', { status: 500, path: '/v1/currencies' }),
        row(other.appId, '2026-03-10T11:00:00.000Z', { status: 400, path: '/v1/a_%b' })
      ])
      .execute();
    const paths = async (q: string) =>
      (await page(t, other.m, other.appId, q)).logs.map((l) => `${l.status} ${l.path}`);
    expect(await paths('?status=4xx')).toEqual(['400 /v1/a_%b', '404 /v1/transaction/txnId/tx_1']);
    expect(await paths('?status=5xx')).toEqual(['500 /v1/currencies']);
    expect(await paths('?path=transaction')).toEqual([
      '404 /v1/transaction/txnId/tx_1',
      '201 /v1/transaction/initiate'
    ]);
    // `%` and `_` are plain characters, not wildcards.
    expect(await paths('?path=_%25')).toEqual(['400 /v1/a_%b']);
    expect(await paths('?from=2026-03-09&to=2026-03-09')).toEqual(['201 /v1/transaction/initiate']);
    expect(await paths('?from=2026-03-10&to=2026-03-10')).toHaveLength(3);
    const bad = await call(t, 'GET', `/api/apps/${other.appId}/logs?status=3xx&from=2026-13-01`, {
      cookie: other.m.cookie
    });
    expect(bad.status).toBe(400);
    const reversed = await call(
      t,
      'GET',
      `/api/apps/${other.appId}/logs?from=2026-03-10&to=2026-03-09`,
      {
        cookie: other.m.cookie
      }
    );
    expect(reversed.status).toBe(400);
  });

  it('answers 404 for another app’s log row, as for a missing one', async () => {
    const other = await payingApp(t);
    await t.services.usage.flush();
    const theirs = (await page(t, other.m, other.appId)).logs[0];
    expect(theirs).toBeDefined();
    const res = await call(t, 'GET', `/api/apps/${appId}/logs/${theirs?.id ?? ''}`, {
      cookie: m.cookie
    });
    expect(res.status).toBe(404);
  });

  it('prunes rows older than 30 days in the background', async () => {
    const other = await payingApp(t);
    await t.services.usage.flush();
    const now = t.clock.now().getTime();
    await t.services.db.db
      .insertInto('request_logs')
      .values([
        row(other.appId, new Date(now - 31 * DAY).toISOString(), { path: '/v1/old' }),
        row(other.appId, new Date(now - 29 * DAY).toISOString(), { path: '/v1/recent' })
      ])
      .execute();
    await t.services.usage.prune();
    const left = (await page(t, other.m, other.appId)).logs.map((l) => l.path);
    expect(left).toContain('/v1/recent');
    expect(left).not.toContain('/v1/old');
    t.clock.advance(2 * DAY);
    await t.services.usage.prune();
    expect((await page(t, other.m, other.appId)).logs.map((l) => l.path)).not.toContain(
      '/v1/recent'
    );
  });
});

describeEachDialect('request log buffer', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  const entry = (appId: string, i: number) => ({
    appId,
    keyId: null,
    at: t.clock.now().getTime(),
    method: 'GET',
    path: `/v1/n/${i}`,
    status: 200,
    latencyUs: 10,
    ip: null,
    origin: null,
    requestId: `r${i}`,
    idempotentReplay: false,
    requestBody: undefined,
    responseJson: null
  });
  const count = async (appId: string) =>
    Number(
      (
        await t.services.db.db
          .selectFrom('request_logs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow()
      ).n
    );

  it('writes what is buffered when it closes (shutdown)', async () => {
    const recorder = usageRecorder(t.services.db, t.clock, t.services.log, {
      logs: true,
      flushEveryMs: DAY
    });
    for (let i = 0; i < 7; i++) recorder.record(entry('ap_shutdown1', i));
    expect(await count('ap_shutdown1')).toBe(0);
    await recorder.close();
    expect(await count('ap_shutdown1')).toBe(7);
  });

  it('drops what does not fit, counts it, and says so in the log', async () => {
    const recorder = usageRecorder(t.services.db, t.clock, t.services.log, {
      logs: true,
      flushEveryMs: DAY,
      batchRows: 1000,
      maxBuffered: 5
    });
    for (let i = 0; i < 8; i++) recorder.record(entry('ap_dropping1', i));
    await recorder.close();
    expect(await count('ap_dropping1')).toBe(5);
    const warning = t.logs.map((l) => JSON.parse(l) as { msg: string; dropped?: number });
    expect(warning.find((l) => l.msg.startsWith('request logs dropped'))?.dropped).toBe(3);
  });

  it('writes a full batch without waiting for the timer', async () => {
    const recorder = usageRecorder(t.services.db, t.clock, t.services.log, {
      logs: true,
      flushEveryMs: DAY,
      batchRows: 4
    });
    for (let i = 0; i < 4; i++) recorder.record(entry('ap_fullbatch', i));
    await new Promise((r) => setTimeout(r, 50));
    await recorder.flush();
    expect(await count('ap_fullbatch')).toBe(4);
    await recorder.close();
  });

  it('writes a batch of any size whole, each row as recorded (statements of 64, 16, 4, 1 rows)', async () => {
    const recorder = usageRecorder(t.services.db, t.clock, t.services.log, {
      logs: true,
      flushEveryMs: DAY,
      batchRows: 1000
    });
    // 64 + 16 + 4 + 1 + 1 + 1: every statement size, and the tail one row at a time.
    const n = 87;
    for (let i = 0; i < n; i++) {
      recorder.record({
        ...entry('ap_oddbatch1', i),
        status: i % 2 === 0 ? 200 : 404,
        responseJson: i % 2 === 0 ? `{"status":200,"n":${i}}` : `{"status":404,"code":24}`
      });
    }
    await recorder.close();
    const rows = await t.services.db.db
      .selectFrom('request_logs')
      .select(['id', 'path', 'request_id', 'status', 'ks_code', 'response_body'])
      .where('app_id', '=', 'ap_oddbatch1')
      .execute();
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.id)).size).toBe(n);
    for (const r of rows) {
      const i = Number(r.request_id.slice(1));
      expect(r.id).toMatch(/^rq_[A-Za-z0-9]{9}$/);
      expect(r.path).toBe(`/v1/n/${i}`);
      expect([r.status, r.ks_code]).toEqual(i % 2 === 0 ? [200, null] : [404, 24]);
      expect(r.response_body).toBe(
        i % 2 === 0 ? `{"status":200,"n":${i}}` : `{"status":404,"code":24}`
      );
    }
  });

  it('with logs off, writes no rows', async () => {
    const recorder = usageRecorder(t.services.db, t.clock, t.services.log, {
      logs: false,
      flushEveryMs: DAY
    });
    recorder.record(entry('ap_logsoff01', 1));
    await recorder.close();
    expect(await count('ap_logsoff01')).toBe(0);
  });
});
