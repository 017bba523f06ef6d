import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { seedApps } from '../lib/apps';
import { call, median } from '../lib/http';
import { fmt, type Report } from '../lib/report';
import { BENCH_DIR, type BenchServer, type Merchant } from '../lib/server';
import type { kspayBench } from '../page/sync-page';

/**
 * Benchmark 4: the browser's sync engine, measured inside Chromium. Pull: a first sync of
 * 5,000 apps into an empty IndexedDB through the engine (HTTP, validation, the rebase onto
 * the outbox, the cursor bookkeeping) against a bare Dexie `bulkPut` of the very rows the
 * engine stored, alternating three times. Push: 1,000 mutations queued offline, then sent.
 */
export const PULL_APPS = 5000;
const PUSH_MUTATIONS = 1000;
const ROUNDS = 3;

/** Bundles the page (the web app's own modules) with esbuild; answers its directory. */
export async function buildSyncPage(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-bench-page-'));
  await build({
    entryPoints: [path.join(BENCH_DIR, 'src/page/sync-page.ts')],
    outfile: path.join(dir, 'sync-page.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning'
  });
  fs.writeFileSync(
    path.join(dir, 'sync-page.html'),
    '<!doctype html><meta charset="utf-8"><title>sync bench</title>' +
      '<script type="module" src="./sync-page.js"></script>'
  );
  return dir;
}

type Api = typeof kspayBench;

async function openPage(browser: Browser, server: BenchServer, m: Merchant) {
  const context = await browser.newContext();
  const [name = '', value = ''] = m.cookie.split('=');
  await context.addCookies([{ name, value, url: server.origin }]);
  const page = await context.newPage();
  const own = await call<{ businesses: { id: string }[] }>(
    server.origin,
    'GET',
    '/api/businesses',
    {
      cookie: m.cookie
    }
  );
  const business = encodeURIComponent(own.businesses[0]?.id ?? '');
  await page.goto(`${server.origin}/bench/page/sync-page.html?business=${business}`);
  await page.waitForFunction(() => 'kspayBench' in window);
  return { page, close: () => context.close() };
}

export async function seedPull(server: BenchServer): Promise<void> {
  await seedApps(server.origin, server.fixtures.pull, PULL_APPS, 'Pulled');
}

export async function pullBench(browser: Browser, server: BenchServer, report: Report) {
  const { page, close } = await openPage(browser, server, server.fixtures.pull);
  const engine: number[] = [];
  const bare: number[] = [];
  const http: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const r = await page.evaluate(
        ([run, n]) => (window as unknown as { kspayBench: Api }).kspayBench.pull(run, n),
        [`pull-${i}`, PULL_APPS] as const
      );
      engine.push(r.engineMs);
      bare.push(r.bareMs);
      http.push(r.httpMs);
    }
  } finally {
    await close();
  }
  const ratio = median(engine) / median(bare);
  const name = '4 sync (Chromium)';
  report.add({
    bench: name,
    figure: `pull ${fmt.int(PULL_APPS)} apps: engine vs bare bulkPut`,
    value: `${fmt.ms(median(engine))} vs ${fmt.ms(median(bare))}`
  });
  report.add({
    bench: name,
    figure: 'of which: the same pull pages over HTTP, unstored',
    value: fmt.ms(median(http))
  });
  report.add({
    bench: name,
    figure: 'ratio engine / bulkPut',
    value: fmt.ratio(ratio),
    budget: '<= 1.50',
    pass: ratio <= 1.5
  });
}

export async function pushBench(browser: Browser, server: BenchServer, report: Report) {
  const { page, close } = await openPage(browser, server, server.fixtures.push);
  try {
    const r = await page.evaluate(
      ([run, n]) => (window as unknown as { kspayBench: Api }).kspayBench.push(run, n),
      [`push-${server.fixtures.database}`, PUSH_MUTATIONS] as const
    );
    report.add({
      bench: '4 sync (Chromium)',
      figure: `push ${fmt.int(PUSH_MUTATIONS)} queued mutations (${server.fixtures.database})`,
      value: `${fmt.int((PUSH_MUTATIONS / r.ms) * 1000)} mutations/s (${fmt.ms(r.ms)})`
    });
  } finally {
    await close();
  }
}
