import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import type { PullResponse } from '@kspay/shared/apps';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { create, fields, newAppId, newClientId } from './helpers/apps';
import { INR, INR_UPI } from './helpers/payments';
import { describeWithPostgres, emptyDatabase } from './helpers/processes';
import {
  cookieOf,
  ownBusinessId,
  request,
  signUpOverHttp,
  spawnServer,
  type Spawned
} from './helpers/spawned-server';

/** Requests of each kind kept in flight at once, until the server dies. */
const LANES = 25;
/** A bound on requests of one kind, far above what is sent before the kill. */
const MAX = 5000;
/** SIGKILL once this many pushed clients AND this many transactions are committed. */
const KILL_AT_ROWS = 50;

/** The smaller of committed push clients and transactions: the kill waits for both kinds. */
const PROGRESS = `select case when p < t then p else t end as n from
  (select (select count(*) from sync_clients) as p, (select count(*) from transactions) as t) c`;
const requireHere = createRequire(import.meta.url);

/**
 * Transactions without exactly one `transaction.created` event, plus such events without their
 * transaction: the outbox row commits with its cause or not at all (014_webhooks).
 */
const OUTBOX_MISMATCHES = `select
  (select count(*) from transactions t where (select count(*) from events e
    where e.type = 'transaction.created' and e.payload like '%"' || t.id || '"%') <> 1)
  + (select count(*) from events e where e.type = 'transaction.created' and not exists
    (select 1 from transactions t where e.payload like '%"' || t.id || '"%')) as n`;

/**
 * Kills the server with SIGKILL once `n` pushed clients and `n` transactions are committed, read
 * from the database on a worker thread: this thread is busy with 400 requests and their
 * answers, and the server could finish them all before it got around to looking.
 */
function killAt(server: Spawned, db: { sqliteFile?: string; url?: string }, n: number) {
  const worker = new Worker(
    `
    const { workerData: d } = require('node:worker_threads');
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      const deadline = Date.now() + 60000;
      let count;
      if (d.sqliteFile) {
        const db = new (require(d.sqlite))(d.sqliteFile, { readonly: true });
        count = async () => db.prepare(d.sql).get().n;
      } else {
        const c = new (require(d.pg).Client)({ connectionString: d.url });
        await c.connect();
        count = async () => Number((await c.query(d.sql)).rows[0].n);
      }
      await count();
      require('node:worker_threads').parentPort.postMessage('ready');
      while (Date.now() < deadline && (await count()) < d.n) await sleep(1);
      process.kill(d.pid, 'SIGKILL');
      process.exit(0);
    })();
    `,
    {
      eval: true,
      workerData: {
        ...db,
        n,
        pid: server.pid,
        sql: PROGRESS,
        sqlite: requireHere.resolve('better-sqlite3'),
        pg: requireHere.resolve('pg')
      }
    }
  );
  const killed = new Promise<void>((resolve, reject) => {
    worker.on('exit', () => resolve());
    worker.on('error', reject);
  });
  const ready = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  return { ready, killed };
}

interface Merchant {
  cookie: string;
  token: string;
  businessId: string;
}

/** A merchant signed up over HTTP, with an app, a key pair and an access token. */
async function signUp(base: string, dataDir: string): Promise<Merchant> {
  const email = `crash-${Date.now()}@example.com`;
  const res = await signUpOverHttp(base, dataDir, {
    name: 'Crash Test',
    email,
    password: 'a long crash passphrase'
  });
  expect(res.status).toBe(200);
  const cookie = cookieOf(res);
  const businessId = await ownBusinessId(base, cookie);
  const appId = newAppId();
  const body = {
    businessId,
    clientId: newClientId(),
    schemaVersion: SYNC_SCHEMA_VERSION,
    mutations: [create(1, appId)]
  };
  expect((await request(base, 'POST', '/api/sync/push', { cookie, body })).status).toBe(200);
  const keys = await request(base, 'POST', `/api/apps/${appId}/keys`, { cookie });
  const pair = (await keys.json()) as { key: { publicKey: string }; secretKey: string };
  const exchange = await request(base, 'POST', `/v1/auth/generate-token/${appId}`, {
    body: { accessKey: pair.key.publicKey, secretKey: pair.secretKey }
  });
  const { result } = (await exchange.json()) as { result: { accessToken: string } };
  return { cookie, token: result.accessToken, businessId };
}

/**
 * Pushes and initiations numbered from 0, each replayable as is (a client retries with the same
 * ids), made when first sent.
 */
function workload(m: Merchant) {
  const pushes: { appId: string; body: object }[] = [];
  const newPush = (i: number, appId = newAppId()) => ({
    appId,
    body: {
      businessId: m.businessId,
      clientId: newClientId(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(1, appId, fields({ name: `Crash shop ${i}` }))]
    }
  });
  const pushAt = (i: number) => (pushes[i] ??= newPush(i));
  const initiation = (i: number) => ({
    currencyId: INR,
    paymentMethodId: INR_UPI,
    amount: 10 + (i % 80) / 100,
    referenceNumber: `crash-${i}`
  });
  return {
    pushes,
    /** A push is a success when the mutation was applied (no refusal) and acknowledged. */
    async push(base: string, i: number): Promise<boolean> {
      const res = await request(base, 'POST', '/api/sync/push', {
        cookie: m.cookie,
        body: pushAt(i).body
      });
      if (res.status !== 200) return false;
      const body = (await res.json()) as { lastMutationId: number; rejections: unknown[] };
      return body.lastMutationId === 1 && body.rejections.length === 0;
    },
    /** The pe_txnId of a successful initiation, or null. */
    async initiate(base: string, i: number): Promise<string | null> {
      const res = await request(base, 'POST', '/v1/transaction/initiate', {
        token: m.token,
        body: initiation(i)
      });
      if (res.status !== 201) return null;
      return ((await res.json()) as { result: { pe_txnId: string } }).result.pe_txnId;
    }
  };
}

/**
 * Sends requests 0, 1, 2… of one kind, `LANES` at a time, each lane until its request fails:
 * the server died (reset mid-flight, or refused after). Whichever kind the server answers
 * faster, both are still flowing when the kill lands. Answers are by request number; `cut`
 * holds each lane's error code.
 */
async function flowUntilCut<T>(send: (i: number) => Promise<T>) {
  const answers: (T | null)[] = [];
  const cut: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < MAX) {
        const i = next++;
        try {
          answers[i] = await send(i);
        } catch (err) {
          answers[i] = null;
          cut.push(String((err as { cause?: { code?: string } }).cause?.code ?? err));
          return;
        }
      }
    })
  );
  return { answers, cut, sent: next };
}

/** `send(0)`…`send(count - 1)`, `LANES` at a time, answers by number. */
async function inLanes<T>(count: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < count) {
        const i = next++;
        answers[i] = await send(i);
      }
    })
  );
  return answers;
}

async function pullAll(base: string, cookie: string, businessId: string) {
  const apps: PullResponse['apps'] = [];
  let cursor = 0;
  for (;;) {
    const res = await request(base, 'POST', '/api/sync/pull', {
      cookie,
      body: {
        businessId,
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor,
        rejectionsAfter: 0
      }
    });
    const page = (await res.json()) as PullResponse;
    apps.push(...page.apps);
    cursor = page.cursor;
    if (!page.hasMore) return apps;
  }
}

interface Storage {
  env: { DATA_DIR: string; DATABASE_URL?: string };
  /** Where a watcher reads progress beside the server. */
  db: { sqliteFile?: string; url?: string };
  /** reference_number → how many stored rows. */
  transactionCounts(): Promise<Map<string, number>>;
  /** `OUTBOX_MISMATCHES`: 0 when every transaction has its one event and no event is alone. */
  outboxMismatches(): Promise<number>;
  /** SQLite's integrity_check; PostgreSQL has no equivalent to run here ('n/a'). */
  integrity(): string;
  drop(): Promise<void>;
}

function sqliteStorage(): Storage {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-crash-'));
  const open = () => new SQLite(path.join(dir, 'kspay.sqlite'));
  return {
    env: { DATA_DIR: dir },
    db: { sqliteFile: path.join(dir, 'kspay.sqlite') },
    transactionCounts() {
      const db = open();
      try {
        const rows = db
          .prepare('select reference_number as r, count(*) as n from transactions group by 1')
          .all() as { r: string; n: number }[];
        return Promise.resolve(new Map(rows.map((x) => [x.r, x.n])));
      } finally {
        db.close();
      }
    },
    outboxMismatches() {
      const db = open();
      try {
        return Promise.resolve((db.prepare(OUTBOX_MISMATCHES).get() as { n: number }).n);
      } finally {
        db.close();
      }
    },
    integrity() {
      const db = open();
      try {
        return String(db.pragma('integrity_check', { simple: true }));
      } finally {
        db.close();
      }
    },
    drop: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    }
  };
}

async function postgresStorage(): Promise<Storage> {
  const database = await emptyDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-crash-'));
  return {
    env: { DATA_DIR: dir, DATABASE_URL: database.url },
    db: { url: database.url },
    async transactionCounts() {
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        const { rows } = await c.query<{ r: string; n: number }>(
          'select reference_number as r, count(*)::int as n from transactions group by 1'
        );
        return new Map(rows.map((x) => [x.r, x.n]));
      } finally {
        await c.end();
      }
    },
    async outboxMismatches() {
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        return Number((await c.query<{ n: string }>(OUTBOX_MISMATCHES)).rows[0]?.n);
      } finally {
        await c.end();
      }
    },
    integrity: () => 'n/a',
    drop: async () => {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

/**
 * SIGKILL in the middle of a stream of sync pushes and one of transaction initiations (each
 * `LANES` at a time, both still flowing when it lands), then a restart on
 * the same data: every request that was answered with a success is there exactly once, every
 * client's retry (same client and mutation ids, same referenceNumbers) completes without a
 * duplicate, every transaction has exactly its one `transaction.created` event (outbox), and
 * SQLite's integrity_check is ok both after the kill and at the end.
 */
function crashSuite(makeStorage: () => Storage | Promise<Storage>) {
  let storage: Storage;
  const servers: Spawned[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL');
      await s.exited;
    }
    await storage?.drop();
  });

  it('keeps every answered write exactly once across a SIGKILL, and retries add nothing', async () => {
    storage = await makeStorage();
    const first = await spawnServer({ ...storage.env, PASSWORD_HASH_LN: '12' });
    servers.push(first);
    const m = await signUp(first.base, storage.env.DATA_DIR);
    const w = workload(m);

    // The watcher is connected before the first request leaves, so it cannot be late.
    const kill = killAt(first, storage.db, KILL_AT_ROWS);
    await kill.ready;
    // Both kinds at once, each kept flowing until the kill cuts it off.
    const [pushing, initiating] = await Promise.all([
      flowUntilCut((i) => w.push(first.base, i)),
      flowUntilCut((i) => w.initiate(first.base, i))
    ]);
    await kill.killed;
    expect((await first.exited).signal).toBe('SIGKILL');
    const answeredPushes = pushing.answers.flatMap((ok, i) => (ok === true ? [i] : []));
    const answeredTx = initiating.answers.flatMap((id, i) => (id ? [i] : []));
    // The kill must have cut requests of both kinds off mid-flight (reset, not refused), after
    // answering some of each, or this test proves nothing.
    const midFlight = (c: string[]) => c.filter((code) => code !== 'ECONNREFUSED').length;
    expect(midFlight(pushing.cut), pushing.cut.join()).toBeGreaterThan(0);
    expect(midFlight(initiating.cut), initiating.cut.join()).toBeGreaterThan(0);
    expect(answeredPushes.length, 'pushes answered before the kill').toBeGreaterThan(0);
    expect(answeredTx.length, 'initiations answered before the kill').toBeGreaterThan(0);
    expect(pushing.sent, 'pushes stopped by the kill, not by the bound').toBeLessThan(MAX);
    expect(initiating.sent, 'initiations stopped by the kill, not by the bound').toBeLessThan(MAX);
    expect(storage.integrity()).toMatch(/^(ok|n\/a)$/);
    expect(await storage.outboxMismatches(), 'transactions vs their events after the kill').toBe(0);

    console.log(
      'STATS',
      answeredPushes.length,
      answeredTx.length,
      midFlight(pushing.cut),
      midFlight(initiating.cut)
    );
    const second = await spawnServer({ ...storage.env, PASSWORD_HASH_LN: '12' });
    servers.push(second);
    // Every answered success survived the crash.
    const afterCrash = new Set(
      (await pullAll(second.base, m.cookie, m.businessId)).map((a) => a.id)
    );
    for (const i of answeredPushes)
      expect(afterCrash.has(w.pushes[i]!.appId), `push ${i}`).toBe(true);
    for (const i of answeredTx) {
      const txnId = initiating.answers[i] ?? '';
      const res = await request(second.base, 'GET', `/v1/transaction/txnId/${txnId}`, {
        token: m.token
      });
      expect(res.status, `initiation ${i}`).toBe(200);
    }

    // Every client retries everything it sent, answered or not: all succeed, nothing doubles.
    const retried = await inLanes(pushing.sent, (i) => w.push(second.base, i));
    const reinitiated = await inLanes(initiating.sent, (i) => w.initiate(second.base, i));
    expect(retried.every(Boolean)).toBe(true);
    expect(reinitiated.every(Boolean)).toBe(true);
    for (const i of answeredTx)
      expect(reinitiated[i], `same transaction for ${i}`).toBe(initiating.answers[i]);

    const apps = await pullAll(second.base, m.cookie, m.businessId);
    const ids = apps.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of w.pushes) expect(ids.filter((id) => id === p.appId)).toHaveLength(1);
    expect(apps).toHaveLength(pushing.sent + 1);
    const counts = await storage.transactionCounts();
    expect(counts.size).toBe(initiating.sent);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await storage.outboxMismatches(), 'transactions vs their events').toBe(0);

    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(storage.integrity()).toMatch(/^(ok|n\/a)$/);
  }, 240_000);
}

describe('crash safety [sqlite]', () => crashSuite(sqliteStorage));
describeWithPostgres('crash safety [postgres]', () => crashSuite(postgresStorage));
