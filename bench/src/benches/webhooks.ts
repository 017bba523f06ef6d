import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  createServices,
  eventBody,
  loadConfig,
  newEndpointId,
  newSigningSecret,
  recordEvent,
  secretBox,
  signingKey,
  webhookHeaders,
  webhookStore,
  webhookWorker
} from '@kspay/server/testing';
import { fmt } from '../lib/report';
import type { RowSink } from './overview';

/**
 * Issue 17: webhook delivery. 10,000 events of one app on SQLite, delivered by the worker
 * (claim, sign, post, record each attempt) to a local receiver in its own process, against a
 * bare loop posting the same 10,000 signed bodies at the same concurrency with the same
 * keep-alive HTTP stack and nothing else. Budget: worker ≤ 2× the bare loop. Peak RSS of this
 * process after the worker's run is reported.
 */
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const CONCURRENCY = 32;

const RECEIVER = `
const http = require('node:http');
http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); })
  .listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

async function startReceiver() {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
  );
  return { url: `http://127.0.0.1:${port}/hooks`, stop: () => child.kill('SIGTERM') };
}

async function bareLoop(url: string, posts: { headers: Record<string, string>; body: string }[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const one = (p: { headers: Record<string, string>; body: string }) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { ...p.headers, 'content-length': String(Buffer.byteLength(p.body)) }
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('not 200'))));
        }
      );
      req.on('error', reject);
      req.end(p.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < posts.length) await one(posts[next++]!);
    })
  );
  const ms = performance.now() - started;
  agent.destroy();
  return ms;
}

const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

export async function webhooksBench(report: RowSink): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-bench-hooks-'));
  const receiver = await startReceiver();
  const config = loadConfig({
    DATA_DIR: dir,
    WEB_ROOT: '',
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: '1'
  });
  const s = await createServices(config);
  try {
    const now = new Date().toISOString();
    const { db } = s.db;
    await db
      .insertInto('users')
      .values({
        id: 'us_benchHook1',
        email: 'hooks@bench.example',
        name: 'Bench',
        password_hash: 'x',
        email_verified_at: now,
        created_at: now,
        updated_at: now
      })
      .execute();
    await db
      .insertInto('businesses')
      .values({ id: 'bu_benchHook1', name: 'Bench hooks', created_at: now })
      .execute();
    await db
      .insertInto('memberships')
      .values({
        business_id: 'bu_benchHook1',
        user_id: 'us_benchHook1',
        role: 'owner',
        created_at: now,
        last_active_at: null
      })
      .execute();
    const appId = 'ap_benchHook1';
    await db
      .insertInto('apps')
      .values({
        id: appId,
        business_id: 'bu_benchHook1',
        name: 'Bench hooks',
        name_key: 'bench hooks',
        email: 'hooks@bench.example',
        address: '1 Bench Road',
        phone: null,
        country: 'IN',
        state: null,
        city: null,
        postal_code: '400001',
        status: 'active',
        logo_hash: null,
        version: 1,
        last_client_id: null,
        created_at: now,
        updated_at: now,
        deleted_at: null
      })
      .execute();
    const id = newEndpointId();
    const secret = newSigningSecret();
    await webhookStore(s.db, s.clock).create({
      id,
      appId,
      url: receiver.url,
      events: ['transaction.created'],
      secretEnc: secretBox(config.secretsKey).seal(secret, id)
    });
    const data = { pe_txnId: 'tx_bench00001', amount: 499, currency: 'INR', status: 'initiated' };
    for (let i = 0; i < EVENTS; i += 500) {
      await db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(EVENTS, i + 500); j++) {
          await recordEvent(trx, s.clock, { appId, type: 'transaction.created', data });
        }
      });
    }
    const worker = webhookWorker(s, { concurrency: CONCURRENCY });
    const started = performance.now();
    const workerCpu = process.cpuUsage();
    const delivered = await worker.drain();
    const workerMs = performance.now() - started;
    const workerCpuUs = cpuMicros(process.cpuUsage(workerCpu));
    const peakRss = process.resourceUsage().maxRSS * 1024;
    worker.close();
    const ok = await db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    if (delivered !== EVENTS || Number(ok.n) !== EVENTS) {
      throw new Error(`delivered ${delivered}, succeeded ${ok.n} of ${EVENTS}`);
    }
    // Built after the worker's run, so its heap (and its garbage collector) does not carry the
    // baseline's 10,000 bodies.
    const events = await db
      .selectFrom('events')
      .select(['id', 'type', 'payload', 'created_at'])
      .execute();
    const at = new Date();
    const key = signingKey(secret);
    const posts = events.map((e) => {
      const body = eventBody({
        eventId: e.id,
        type: e.type,
        eventCreatedAt: e.created_at,
        payload: e.payload
      });
      return { headers: webhookHeaders([key], e.id, at, body), body };
    });
    const bareCpu = process.cpuUsage();
    const bareMs = await bareLoop(receiver.url, posts);
    const bareCpuUs = cpuMicros(process.cpuUsage(bareCpu));
    const ratio = workerMs / bareMs;
    const bench = 'webhooks: 10,000 events';
    report.add({ bench, figure: 'worker wall time', value: fmt.ms(workerMs) });
    report.add({ bench, figure: `bare loop (${CONCURRENCY} at once)`, value: fmt.ms(bareMs) });
    report.add({
      bench,
      figure: 'worker / bare loop',
      value: fmt.ratio(ratio),
      budget: '<= 2x',
      pass: ratio <= 2
    });
    // CPU of this process alone (not the receiver's): steadier than wall time on a loaded machine.
    report.add({
      bench,
      figure: 'CPU per event: worker / bare loop',
      value: `${(workerCpuUs / EVENTS).toFixed(0)} / ${(bareCpuUs / EVENTS).toFixed(0)} µs → ${fmt.ratio(workerCpuUs / bareCpuUs)}`
    });
    report.add({ bench, figure: 'peak RSS (bench process)', value: fmt.mb(peakRss) });
  } finally {
    await s.db.close();
    receiver.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
