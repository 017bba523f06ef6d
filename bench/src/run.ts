/**
 * `pnpm bench`: every benchmark of DESIGN.md §8 / issue 7 in one run, each figure measured
 * side by side with its baseline and printed as a ratio; budgets print PASS/FAIL, and one
 * FAIL (or a benchmark that could not run) exits non-zero. Loopback only. Not part of
 * `pnpm test`. BENCH_SECONDS sets the length of each load run (default 5); BENCH_ONLY=1,3
 * runs only the benchmarks whose numbers are listed (`overview` for issue 5's, `start` for
 * the time to first answer of `pnpm start`, `scaleout` for issue 18's), a partial run for investigating;
 * BENCH_OVERVIEW_LARGE / _ROUNDS shrink issue 5's benchmark.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { paymentsBenches, paymentsPostgresBench } from './benches/payments';
import { scaleOutBench } from './benches/scaleout';
import { signInBench } from './benches/signin';
import { buildSyncPage, pullBench, pushBench, seedPull } from './benches/sync';
import { lighthouseBench } from './benches/lighthouse';
import { overviewBench } from './benches/overview';
import { startBench } from './benches/start';
import { webhooksBench } from './benches/webhooks';
import { firstVisitJs, precacheSize, WEB_BUILD } from './benches/web';
import { fmt, Report } from './lib/report';
import { ROOT, startBenchServer, throwAwayPostgres, type BenchServer } from './lib/server';
import { DEFAULT_PASSWORD_HASHING, hashPassword } from '@kspay/server/testing';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'bench-password-not-common-42';
const report = new Report();
const started = Date.now();

const only = process.env.BENCH_ONLY?.split(',').map((n) => n.trim());

/** Runs one benchmark, turning a throw into a FAIL row; `name` starts with its numbers. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const numbers = name.split(':')[0]?.split(/[ ,]+/) ?? [];
  if (only && !numbers.some((n) => only.includes(n))) return;
  console.log(`\n▶ ${name}`);
  try {
    await fn();
  } catch (err) {
    report.failed(name, err);
  }
}

// First: its cold run removes the build outputs that the benchmarks below then use, rebuilt.
await step('start: time to first answer of pnpm start', () => startBench(report));

if (!fs.existsSync(`${WEB_BUILD}/index.html`)) {
  console.log('web/build is missing: building the web app first');
  spawnSync('pnpm', ['--filter', '@kspay/web', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const pageDir = await buildSyncPage();
const passwordHash = await hashPassword(PASSWORD, DEFAULT_PASSWORD_HASHING);
const common = { BENCH_PAGE_DIR: pageDir, TRUST_PROXY: '1' };
const sqlite = await startBenchServer({
  ...common,
  WEB_ROOT: fs.existsSync(`${WEB_BUILD}/index.html`) ? WEB_BUILD : '',
  BENCH_USERS: '20',
  BENCH_PASSWORD_HASH: passwordHash,
  // Twenty sign-ins from one address in seconds would trip the per-address limit.
  RATE_LIMIT_SIGNIN_IP: '1000'
});
let browser: Browser | null = null;
let postgres: BenchServer | null = null;
try {
  await step('1, 2, 5: payments API and token exchange (SQLite)', () =>
    paymentsBenches(sqlite, report, SECONDS)
  );
  await step('1: payments API hot path (PostgreSQL)', () => paymentsPostgresBench(report, SECONDS));
  await step('3: sign-in under load', () => signInBench(sqlite, PASSWORD, report));

  const needsBrowser = !only || only.some((n) => n === '4' || n === '6');
  browser = !needsBrowser
    ? null
    : fs.existsSync(CHROMIUM)
      ? await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking'
          ]
        })
      : null;
  const b = browser;
  if (!b) {
    if (needsBrowser) report.failed('4, 6: Chromium', new Error(`${CHROMIUM} not found`));
  } else {
    await step('4: sync pull (SQLite)', async () => {
      await seedPull(sqlite);
      await pullBench(b, sqlite, report);
    });
    await step('4: sync push (SQLite)', () => pushBench(b, sqlite, report));
    await step('4: sync push (PostgreSQL)', async () => {
      const db = await throwAwayPostgres();
      if ('error' in db) throw new Error(db.error);
      try {
        postgres = await startBenchServer({ ...common, DATABASE_URL: db.url });
        await pushBench(b, postgres, report);
      } finally {
        await postgres?.stop();
        await db.drop();
      }
    });
    await step('6: web budgets', async () => {
      await firstVisitJs(b, sqlite, report);
      precacheSize(report);
    });
    await step('6: Lighthouse', () => lighthouseBench(CHROMIUM, sqlite, report));
  }
} finally {
  await browser?.close();
  await sqlite.stop();
}

// Issue 5's benchmark (bench/src/benches/overview.ts): its own SQLite databases, in-process.
await step('overview: App Overview and history paging at 10^6 transactions', async () => {
  await overviewBench(report, {
    large: Number(process.env.BENCH_OVERVIEW_LARGE ?? 1_000_000),
    rounds: Number(process.env.BENCH_OVERVIEW_ROUNDS ?? 300),
    log: (line) => console.log(`  ${line}`)
  });
});

// Issue 17: webhook delivery against a bare posting loop; its own SQLite database, in-process.
await step('webhooks: 10,000 deliveries to a local receiver', () => webhooksBench(report));

// Issue 18: PostgreSQL, two processes behind HAProxy, 200 browsers syncing; its own processes.
await step('scaleout: PostgreSQL and two processes behind HAProxy', () =>
  scaleOutBench(report, SECONDS)
);

report.print();
const total = (Date.now() - started) / 1000;
console.log(`\npnpm bench took ${fmt.int(total)} s; ${report.ok ? 'all budgets PASS' : 'FAIL'}`);
process.exit(report.ok ? 0 : 1);
