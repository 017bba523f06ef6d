import os from 'node:os';
import { seedApps } from '../lib/apps';
import { call, load, median, type LoadOptions, type LoadResult } from '../lib/http';
import { fmt, type Report } from '../lib/report';
import {
  startBareServer,
  startBenchServer,
  throwAwayPostgres,
  type BenchServer,
  type LoadedProcess
} from '../lib/server';

/**
 * Benchmarks 1, 2 and 5: the payments API's hot path and token exchange against a bare Hono
 * app answering the same JSON, and the server's peak RSS meanwhile. Benchmark 1's budget is
 * judged against a bare Hono app in a process of its own (the peer a user would pick); the
 * bare route inside the project's process is reported beside it, since it shares the
 * project's dispatch and heap. Real and bare runs alternate (bare, real, bare, real…) and
 * each side's median is compared, so a machine that slows down halfway slows both alike.
 */
const INR = 'c_WkmEe23LeI';
const INR_UPI = 'pm_Up1IndQ7x';
/** Token exchanges are limited per public key and client address; see `exchangeRequests`. */
const KEY_PAIRS = 16;
/** Alternating rounds per comparison; each side's median is taken (BENCH_ROUNDS overrides). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

export interface Pair {
  appId: string;
  publicKey: string;
  secretKey: string;
}

export async function setUp(server: BenchServer, bareProcess: LoadedProcess) {
  const { origin, fixtures } = server;
  const m = fixtures.payments;
  const appIds = await seedApps(origin, m, KEY_PAIRS, 'Payments');
  const pairs: Pair[] = [];
  for (const appId of appIds) {
    const k = await call<{ key: { publicKey: string }; secretKey: string }>(
      origin,
      'POST',
      `/api/apps/${appId}/keys`,
      { cookie: m.cookie, body: {} }
    );
    pairs.push({ appId, publicKey: k.key.publicKey, secretKey: k.secretKey });
  }
  const first = pairs[0];
  if (!first) throw new Error('no key pair');
  const token = await call<{ result: { accessToken: string } }>(
    origin,
    'POST',
    `/v1/auth/generate-token/${first.appId}`,
    { body: { accessKey: first.publicKey, secretKey: first.secretKey } }
  );
  const auth = { authorization: `Bearer ${token.result.accessToken}` };
  const tx = await call<{ result: { pe_txnId: string } }>(
    origin,
    'POST',
    '/v1/transaction/initiate',
    {
      headers: auth,
      body: { currencyId: INR, paymentMethodId: INR_UPI, amount: 499.5, referenceNumber: 'bench-1' }
    }
  );
  const path = `/v1/transaction/txnId/${tx.result.pe_txnId}`;
  // The bare route answers exactly this body, so both sides serialise the same JSON.
  const body = await call<unknown>(origin, 'GET', path, { headers: auth });
  await call(origin, 'PUT', '/bench/bare', { body });
  await call(bareProcess.origin, 'PUT', '/bench/bare', { body });
  return { pairs, path, auth };
}

export interface Side {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time (user + system) per request, in microseconds: immune to a busy machine. */
  cpuUs: number;
}

/** A load and the process whose CPU time it is charged to. */
export interface Load {
  opts: LoadOptions;
  on: Pick<LoadedProcess, 'cpuMs'>;
}

/**
 * Rounds of the named loads in turn (a, b, c, a, b, c…), after one short untimed warm-up of
 * each (JIT, connection pools); each one's medians, and the machine's 1-minute load average
 * over the rounds (other work on the machine moves every figure, ratios included).
 */
export async function rotate<K extends string>(
  rounds: number,
  loads: Record<K, Load>
): Promise<{ sides: Record<K, Side>; failures: number; loadAverage: string }> {
  const runs = new Map<K, (LoadResult & { cpuUs: number })[]>();
  let failures = 0;
  for (const { opts } of Object.values<Load>(loads)) await load({ ...opts, duration: 1 });
  const loadAverages: number[] = [];
  for (let i = 0; i < rounds; i++) {
    loadAverages.push(os.loadavg()[0] ?? 0);
    for (const [k, { opts, on }] of Object.entries(loads) as [K, Load][]) {
      const cpu0 = on.cpuMs();
      const r = await load(opts);
      const cpuUs = ((on.cpuMs() - cpu0) * 1000) / Math.max(1, r.requests);
      failures += r.failures;
      runs.set(k, [...(runs.get(k) ?? []), { ...r, cpuUs }]);
    }
  }
  const sides = {} as Record<K, Side>;
  for (const [k, rs] of runs) {
    sides[k] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuUs: median(rs.map((r) => r.cpuUs))
    };
  }
  loadAverages.push(os.loadavg()[0] ?? 0);
  const loadAverage = `${Math.min(...loadAverages).toFixed(1)}–${Math.max(...loadAverages).toFixed(1)}`;
  return { sides, failures, loadAverage };
}

export const describe = (s: Side) =>
  `${fmt.int(s.rps)} req/s, p50 ${fmt.ms(s.p50)}, p99 ${fmt.ms(s.p99)}, ${fmt.int(s.cpuUs)} µs CPU/req`;

/** A comparison's three rows: the measured side, its baseline, and their ratio of req/s. */
interface Comparison {
  bench: string;
  measured: [figure: string, side: Side];
  baseline: [figure: string, side: Side];
  ratio: string;
  /** The budget: the ratio must be at least this (none: the ratio is for information). */
  atLeast?: number;
  run: { failures: number; loadAverage: string };
}

function addComparison(report: Report, c: Comparison): void {
  const { bench, measured, baseline, run } = c;
  report.add({ bench, figure: measured[0], value: describe(measured[1]) });
  report.add({ bench, figure: baseline[0], value: describe(baseline[1]) });
  const ratio = measured[1].rps / baseline[1].rps;
  const judged =
    c.atLeast === undefined
      ? run.failures > 0
        ? { pass: false }
        : {}
      : { budget: `>= ${c.atLeast.toFixed(2)}`, pass: ratio >= c.atLeast && run.failures === 0 };
  report.add({
    bench,
    figure: c.ratio,
    value: `${fmt.ratio(ratio)} (load average ${run.loadAverage})`,
    ...judged
  });
}

/**
 * Benchmark 1 on PostgreSQL (issue 18): the same route on a server whose database is
 * PostgreSQL, against the same bare Hono process, alternating. No floor row: the bare process
 * reads no PostgreSQL.
 */
export async function paymentsPostgresBench(report: Report, seconds: number) {
  const db = await throwAwayPostgres();
  if ('error' in db) throw new Error(db.error);
  let server: BenchServer | null = null;
  let bareProcess: LoadedProcess | null = null;
  try {
    server = await startBenchServer({ TRUST_PROXY: '1', DATABASE_URL: db.url });
    bareProcess = await startBareServer(null);
    const { path, auth } = await setUp(server, bareProcess);
    const r = await rotate(ROUNDS, {
      bareProcess: {
        opts: { url: `${bareProcess.origin}/bench/bare`, duration: seconds },
        on: bareProcess
      },
      api: {
        opts: { url: `${server.origin}${path}`, duration: seconds, headers: auth },
        on: server
      }
    });
    addComparison(report, {
      bench: '1 payments API hot path',
      measured: ['GET /v1/transaction/txnId/:id, PostgreSQL', r.sides.api],
      baseline: ['bare Hono process, same JSON (PostgreSQL run)', r.sides.bareProcess],
      ratio: 'ratio API / bare Hono process (PostgreSQL)',
      atLeast: 0.3,
      run: r
    });
  } finally {
    await bareProcess?.stop();
    await server?.stop();
    await db.drop();
  }
}

/**
 * Token exchanges for autocannon. The limit (30/min per public key AND client address) would
 * turn most of a load into 429s; the bench server trusts X-Forwarded-For, and every request
 * comes from its own address with one of 16 pairs, so each subject is hit about once.
 */
export function exchangeRequests(pairs: Pair[]): LoadOptions['requests'] {
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = n++;
        const pair = pairs[i % pairs.length] as Pair;
        return {
          ...req,
          path: `/v1/auth/generate-token/${pair.appId}`,
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
          },
          body: JSON.stringify({ accessKey: pair.publicKey, secretKey: pair.secretKey })
        };
      }
    }
  ];
}

export async function paymentsBenches(server: BenchServer, report: Report, seconds: number) {
  const bareProcess = await startBareServer(server.sqliteFile);
  try {
    await hotPathBench(server, bareProcess, report, seconds);
  } finally {
    await bareProcess.stop();
  }
  // Two fresh servers alike but for REQUEST_LOGS, so neither carries the other's history.
  const logsOn = await startBenchServer({ TRUST_PROXY: '1' });
  const logsOff = await startBenchServer({ TRUST_PROXY: '1', REQUEST_LOGS: 'off' });
  const bareForLogs = await startBareServer(logsOff.sqliteFile);
  try {
    await requestLogsBench(logsOn, logsOff, bareForLogs, report, seconds);
  } finally {
    await bareForLogs.stop();
    await logsOff.stop();
    await logsOn.stop();
  }
}

/**
 * Benchmark 1 with request logs on and off: two servers alike but for `REQUEST_LOGS`, loaded
 * in turn (on, off, on, off…). Logging appends to a buffer on the request's path and writes
 * batches off it (server/src/usage/recorder.ts); the budget says that costs under 10 %.
 */
async function requestLogsBench(
  on: BenchServer,
  off: BenchServer,
  bareProcess: LoadedProcess,
  report: Report,
  seconds: number
) {
  const a = await setUp(on, bareProcess);
  const b = await setUp(off, bareProcess);
  const load = (server: BenchServer, path: string, headers: Record<string, string>): Load => ({
    opts: { url: `${server.origin}${path}`, duration: seconds, headers },
    on: server
  });
  const r = await rotate(ROUNDS, {
    logsOn: load(on, a.path, a.auth),
    logsOff: load(off, b.path, b.auth)
  });
  addComparison(report, {
    bench: '1 payments API hot path',
    measured: ['request logs on', r.sides.logsOn],
    baseline: ['request logs off', r.sides.logsOff],
    ratio: 'ratio request logs on / off (SQLite)',
    atLeast: 0.9,
    run: r
  });
}

async function hotPathBench(
  server: BenchServer,
  bareProcess: LoadedProcess,
  report: Report,
  seconds: number
) {
  const { pairs, path, auth } = await setUp(server, bareProcess);
  const on = (url: string, opts: Omit<LoadOptions, 'url' | 'duration'> = {}): Load => ({
    opts: { url: `${server.origin}${url}`, duration: seconds, ...opts },
    on: server
  });
  const bare = on('/bench/bare');

  // 1. GET /v1/transaction/txnId/:id with its bearer token checked on every request, against
  // a bare Hono app in its own process; and, to show where the time between the two goes:
  // that process plus one one-column SQLite read of the same database (the floor of any call
  // that checks the database), the bare route inside the project's process (its size and
  // dispatch) and that route plus the same read, and /api/health (the console's middleware,
  // no token, no query).
  const inBare = (url: string): Load => ({
    opts: { url: `${bareProcess.origin}${url}`, duration: seconds },
    on: bareProcess
  });
  const hot = await rotate(ROUNDS, {
    bareProcess: inBare('/bench/bare'),
    floor: inBare('/bench/one-read'),
    bare,
    api: on(path, { headers: auth }),
    oneRead: on('/bench/one-read'),
    health: on('/api/health')
  });
  const mem = server.memory();
  const heap = await call<{ heapUsed: number }>(server.origin, 'GET', '/bench/memory');
  const { api, health, oneRead, floor, bareProcess: peer } = hot.sides;
  const ratio = api.rps / peer.rps;
  const name = '1 payments API hot path';
  report.add({ bench: name, figure: 'GET /v1/transaction/txnId/:id', value: describe(api) });
  report.add({ bench: name, figure: 'bare Hono process, same JSON', value: describe(peer) });
  report.add({
    bench: name,
    figure: 'floor: bare Hono process + one 1-column SQLite read',
    value: `${describe(floor)}; ${fmt.ratio(floor.rps / peer.rps)} of the bare process`
  });
  report.add({
    bench: name,
    figure: 'bare Hono route in the same process, same JSON',
    value: describe(hot.sides.bare)
  });
  report.add({
    bench: name,
    figure: 'bare route in the same process + one 1-column SQLite read',
    value: `${describe(oneRead)}; ${fmt.ratio(oneRead.rps / hot.sides.bare.rps)} of bare`
  });
  report.add({ bench: name, figure: '/api/health (console middleware)', value: describe(health) });
  report.add({
    bench: name,
    figure: 'ratio API / bare route in the same process (SQLite)',
    value: fmt.ratio(api.rps / hot.sides.bare.rps)
  });
  report.add({
    bench: name,
    figure: 'ratio API / bare Hono process (SQLite)',
    value: `${fmt.ratio(ratio)} (load average ${hot.loadAverage})`,
    budget: '>= 0.50',
    pass: ratio >= 0.5 && hot.failures === 0
  });
  if (hot.failures > 0) {
    report.add({
      bench: name,
      figure: 'non-2xx or errors',
      value: String(hot.failures),
      pass: false
    });
  }

  // 5. Memory while serving benchmark 1 (VmHWM: the high-water mark since the process began).
  report.add({
    bench: '5 memory',
    figure: 'server peak RSS during benchmark 1',
    value: `${fmt.mb(mem.peak)} (now ${fmt.mb(mem.current)})`
  });
  report.add({
    bench: '5 memory',
    figure: 'JS heap after a full GC, after benchmark 1',
    value: fmt.mb(heap.heapUsed)
  });

  // 2. Token exchange, each request from its own address (`exchangeRequests`).
  const exchange = on(`/v1/auth/generate-token/${pairs[0]?.appId ?? ''}`, {
    requests: exchangeRequests(pairs)
  });
  const ex = await rotate(2, { bare, exchange });
  const exName = '2 token exchange';
  addComparison(report, {
    bench: exName,
    measured: ['POST /v1/auth/generate-token/:appId', ex.sides.exchange],
    baseline: ['bare Hono route in the same process', ex.sides.bare],
    ratio: 'ratio exchange / bare (SQLite)',
    run: ex
  });
  if (ex.failures > 0) {
    report.add({
      bench: exName,
      figure: 'non-2xx or errors',
      value: String(ex.failures),
      pass: false
    });
  }
}
