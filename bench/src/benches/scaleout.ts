import pg from 'pg';
import { newClientId, pullAll, runBrowsers, type SyncBrowser } from '@kspay/server/testing';
import { startHaproxy, type Balancer } from '../lib/haproxy';
import { call, percentile } from '../lib/http';
import { fmt, type Report } from '../lib/report';
import {
  freePort,
  startBareServer,
  startBenchServer,
  throwAwayPostgres,
  type BenchServer,
  type LoadedProcess
} from '../lib/server';
import { describe, exchangeRequests, rotate, setUp, type Load } from './payments';

/**
 * Issue 18, the scale-out path: PostgreSQL (a throw-away database), two server processes on
 * it behind HAProxy (ops/haproxy.cfg, the config docs/operations.md documents), and a bare Hono
 * process behind the same config; one SQLite process as the step it must never be below.
 * Everything on loopback, on the same 2 cores as the load generator.
 *
 * - `/v1` hot path: two processes on PostgreSQL behind HAProxy ÷ one process on SQLite ≥ 1.0×,
 *   loads in turn (SQLite, PostgreSQL × 2, PostgreSQL × 1, bare behind HAProxy…), medians.
 * - token exchange, one PostgreSQL process ÷ one SQLite process: no worse (≥ 1.0×).
 * - BENCH_SCALEOUT_BROWSERS browsers (default 200: 100 merchants on two devices each) with the
 *   real sync protocol over HTTP through HAProxy, each pushing BENCH_SCALEOUT_MUTATIONS (20)
 *   app registrations one push at a time and then pulling, all at once: every mutation applied
 *   exactly once (the tables checked), every browser converges, p99 push ≤ 250 ms.
 */
const BROWSERS = Number(process.env.BENCH_SCALEOUT_BROWSERS ?? 200);
const MUTATIONS = Number(process.env.BENCH_SCALEOUT_MUTATIONS ?? 20);
const DEVICES = 2;
const NAME = 'scale-out (PostgreSQL, HAProxy)';

const address = (origin: string) => new URL(origin).host;

/** Started in order, stopped in reverse, whatever fails on the way. */
class Stack {
  private readonly stops: (() => Promise<void>)[] = [];
  async add<T extends { stop(): Promise<void> }>(p: Promise<T>): Promise<T> {
    const started = await p;
    this.stops.push(() => started.stop());
    return started;
  }
  async stop(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop().catch(() => undefined);
  }
}

export async function scaleOutBench(report: Report, seconds: number): Promise<void> {
  const db = await throwAwayPostgres();
  if ('error' in db) throw new Error(db.error);
  const stack = new Stack();
  try {
    const lbPort = await freePort();
    const lbOrigin = `http://127.0.0.1:${lbPort}`;
    // Every process behind the balancer has the browser's origin, as production's do.
    const env = { DATABASE_URL: db.url, PUBLIC_ORIGIN: lbOrigin, TRUST_PROXY: '1' };
    const sqlite = await stack.add(startBenchServer({ TRUST_PROXY: '1' }));
    const a = await stack.add(
      startBenchServer({ ...env, BENCH_SYNC_MERCHANTS: String(Math.ceil(BROWSERS / DEVICES)) })
    );
    const b = await stack.add(startBenchServer(env));
    const bare = await stack.add(startBareServer(null));
    const lb = await stack.add(startHaproxy(lbPort, [address(a.origin), address(b.origin)]));
    const bareLb = await stack.add(
      startHaproxy(await freePort(), [address(bare.origin), address(bare.origin)])
    );
    await hotPath({ sqlite, a, b, lb, bare, bareLb }, report, seconds);
    await browsers([a, b], lb, db.url, report);
  } finally {
    await stack.stop();
    await db.drop();
  }
}

interface Topology {
  sqlite: BenchServer;
  a: BenchServer;
  b: BenchServer;
  lb: Balancer;
  bare: LoadedProcess;
  bareLb: Balancer;
}

async function hotPath(t: Topology, report: Report, seconds: number) {
  const bareBehindLb = { ...t.bare, origin: t.bareLb.origin };
  const lite = await setUp(t.sqlite, bareBehindLb);
  // Set up through the balancer, as a merchant's integration reaches the API.
  const pgSet = await setUp({ ...t.a, origin: t.lb.origin }, bareBehindLb);
  const both = { cpuMs: () => t.a.cpuMs() + t.b.cpuMs() };
  const get = (origin: string, on: Load['on'], path: string, headers = {}): Load => ({
    opts: { url: `${origin}${path}`, duration: seconds, headers },
    on
  });
  const ROUNDS = 3;
  const lbCpu0 = t.lb.cpuMs();
  const hot = await rotate(ROUNDS, {
    sqlite: get(t.sqlite.origin, t.sqlite, lite.path, lite.auth),
    pg2: get(t.lb.origin, both, pgSet.path, pgSet.auth),
    pg1: get(t.a.origin, t.a, pgSet.path, pgSet.auth),
    bareLb: get(t.bareLb.origin, t.bare, '/bench/bare')
  });
  const { sqlite, pg2, pg1, bareLb } = hot.sides;
  // HAProxy's own CPU per request it passed to the pair (about: from the median rate).
  const lbCpuUs = ((t.lb.cpuMs() - lbCpu0) * 1000) / (pg2.rps * seconds * ROUNDS);
  const ratio = pg2.rps / sqlite.rps;
  report.add({
    bench: NAME,
    figure: 'GET /v1/transaction/txnId/:id, 2 PostgreSQL processes behind HAProxy',
    value: `${describe(pg2)} (both processes); HAProxy about ${fmt.int(lbCpuUs)} µs CPU/req`
  });
  report.add({
    bench: NAME,
    figure: 'the same, 1 SQLite process (direct)',
    value: describe(sqlite)
  });
  report.add({
    bench: NAME,
    figure: 'the same, 1 PostgreSQL process (direct)',
    value: describe(pg1)
  });
  report.add({
    bench: NAME,
    figure: 'bare Hono process behind the same HAProxy config',
    value: `${describe(bareLb)}; 2 PostgreSQL processes reach ${fmt.ratio(pg2.rps / bareLb.rps)}`
  });
  report.add({
    bench: NAME,
    figure: 'ratio 2 PostgreSQL behind HAProxy / 1 SQLite',
    value: fmt.ratio(ratio),
    budget: '>= 1.00',
    pass: ratio >= 1 && hot.failures === 0
  });

  // Token exchange, one process each, every request from its own address (TRUST_PROXY=1).
  const exchange = (s: BenchServer, pairs: typeof lite.pairs): Load => ({
    opts: {
      url: `${s.origin}/v1/auth/generate-token/x`,
      duration: seconds,
      requests: exchangeRequests(pairs)
    },
    on: s
  });
  const ex = await rotate(2, {
    sqlite: exchange(t.sqlite, lite.pairs),
    pg: exchange(t.a, pgSet.pairs)
  });
  const exRatio = ex.sides.pg.rps / ex.sides.sqlite.rps;
  report.add({
    bench: NAME,
    figure: 'token exchange, 1 PostgreSQL process',
    value: describe(ex.sides.pg)
  });
  report.add({
    bench: NAME,
    figure: 'token exchange, 1 SQLite process',
    value: describe(ex.sides.sqlite)
  });
  report.add({
    bench: NAME,
    figure: 'ratio token exchange per process PostgreSQL / SQLite',
    value: fmt.ratio(exRatio),
    budget: '>= 1.00',
    pass: exRatio >= 1 && ex.failures === 0
  });
}

/** The merchants' session cookies and businesses, as `BrowserCount` sync browsers. */
async function syncBrowsers(a: BenchServer, lb: Balancer): Promise<SyncBrowser[]> {
  const out: SyncBrowser[] = [];
  for (const m of a.fixtures.browsers) {
    const own = await call<{ businesses: { id: string }[] }>(lb.origin, 'GET', '/api/businesses', {
      cookie: m.cookie
    });
    const businessId = own.businesses[0]?.id ?? '';
    for (let d = 0; d < DEVICES && out.length < BROWSERS; d++) {
      out.push({ cookie: m.cookie, businessId, clientId: newClientId() });
    }
  }
  return out;
}

/** How many mutations the browsers of a business push between them. */
const perBusiness = (list: SyncBrowser[], businessId: string) =>
  list.filter((y) => y.businessId === businessId).length * MUTATIONS;

/** Mutations that left exactly one app and one version each, per business and per client. */
async function exactlyOnce(url: string, list: SyncBrowser[]): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const businesses = [...new Set(list.map((x) => x.businessId))];
    const per = await c.query<{ business_id: string; apps: string; version: string }>(
      `select v.business_id, v.version,
              (select count(*) from apps a where a.business_id = v.business_id) as apps
         from merchant_versions v where v.business_id = any($1)`,
      [businesses]
    );
    const clients = await c.query<{ id: string; last_mutation_id: string }>(
      'select id, last_mutation_id from sync_clients where id = any($1)',
      [list.map((x) => x.clientId)]
    );
    const wrong = per.rows
      .filter((r) => {
        const expected = perBusiness(list, r.business_id);
        return Number(r.version) !== expected || Number(r.apps) !== expected;
      })
      .map((r) => `${r.business_id}: ${r.apps} apps, version ${r.version}`);
    if (per.rows.length !== businesses.length) wrong.push(`${per.rows.length} businesses written`);
    const counters = clients.rows.filter((r) => Number(r.last_mutation_id) !== MUTATIONS);
    if (clients.rows.length !== list.length || counters.length > 0) {
      wrong.push(`${clients.rows.length} clients, ${counters.length} with a wrong counter`);
    }
    return wrong;
  } finally {
    await c.end();
  }
}

async function browsers(procs: BenchServer[], lb: Balancer, url: string, report: Report) {
  const list = await syncBrowsers(procs[0] as BenchServer, lb);
  const cpu = () => procs.reduce((sum, p) => sum + p.cpuMs(), 0);
  const cpu0 = cpu();
  const t0 = performance.now();
  const runs = await runBrowsers({
    browsers: list,
    mutations: MUTATIONS,
    base: () => lb.origin,
    origin: lb.origin
  });
  const wall = (performance.now() - t0) / 1000;
  const pushes = runs.flatMap((r) => r.pushMs);
  // Server CPU per push (pulls included): what a busy machine does not inflate much.
  const cpuUs = ((cpu() - cpu0) * 1000) / pushes.length;
  const p99 = percentile(pushes, 99);
  const bad = runs.flatMap((r) => r.bad);
  const wrong = [...bad.slice(0, 3), ...(await exactlyOnce(url, list))];
  // Convergence: afterwards every browser's pull is its business, app for app.
  for (const x of list) {
    const pulled = await pullAll(() => lb.origin, x, lb.origin);
    if (
      pulled.apps.length !== perBusiness(list, x.businessId) ||
      pulled.lastMutationId !== MUTATIONS
    ) {
      wrong.push(
        `${x.clientId} pulled ${pulled.apps.length} apps, counter ${pulled.lastMutationId}`
      );
    }
  }
  const label = `${fmt.int(list.length)} browsers × ${MUTATIONS} pushes, 2 processes`;
  report.add({
    bench: NAME,
    figure: `${label}: throughput (pushes and pulls, wall ${wall.toFixed(1)} s)`,
    value:
      `${fmt.int(pushes.length / wall)} mutations/s; push p50 ${fmt.ms(percentile(pushes, 50))}; ` +
      `${fmt.int(cpuUs)} µs server CPU per push`
  });
  report.add({
    bench: NAME,
    figure: `${label}: every mutation applied exactly once, every pull converges`,
    value:
      wrong.length === 0
        ? `${fmt.int(pushes.length)} of ${fmt.int(pushes.length)}`
        : wrong.slice(0, 3).join('; '),
    pass: wrong.length === 0
  });
  report.add({
    bench: NAME,
    figure: `${label}: push p99`,
    value: fmt.ms(p99),
    budget: '<= 250 ms',
    pass: p99 <= 250
  });
}
