import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { fmt, type Report } from '../lib/report';
import { ROOT, type BenchServer } from '../lib/server';

/**
 * The web budgets of the PWA issue, measured from the production build as served by the real
 * server: the JavaScript a first visit to /sign-in or / downloads (gzip, as the wire carries it),
 * and what the service worker precaches. Sizes are gzip at zlib's default level.
 */
export const WEB_BUILD = path.join(ROOT, 'web/build');
const JS_BUDGET = 120 * 1024;
const PRECACHE_BUDGET = 600 * 1024;

export async function firstVisitJs(browser: Browser, server: BenchServer, report: Report) {
  // `/` is the address `pnpm start` prints: a stranger opening it lands on the sign-in page, and
  // must not download the signed-in shell on the way there.
  for (const pathname of ['/sign-in', '/']) {
    await firstVisitJsTo(pathname, browser, server, report);
  }
}

async function firstVisitJsTo(
  pathname: string,
  browser: Browser,
  server: BenchServer,
  report: Report
) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const sizes: Promise<number>[] = [];
  page.on('response', (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (!/javascript/.test(type)) return;
    sizes.push(
      res.body().then(
        (b) => gzipSync(b).length,
        () => 0
      )
    );
  });
  try {
    await page.goto(`${server.origin}${pathname}`, { waitUntil: 'networkidle' });
    await page.getByLabel(/email/i).first().waitFor({ timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    const all = await Promise.all(sizes);
    const total = all.reduce((a, b) => a + b, 0);
    report.add({
      bench: '6 web',
      figure: `first-visit JS to ${pathname} (${all.length} files, gzip)`,
      value: fmt.kb(total),
      budget: '<= 120 KB',
      pass: total <= JS_BUDGET && all.length > 0
    });
  } finally {
    await context.close();
  }
}

/** The URLs workbox's generated worker precaches, read back from the worker itself. */
export function precacheSize(report: Report) {
  const sw = path.join(WEB_BUILD, 'service-worker.js');
  if (!fs.existsSync(sw)) {
    report.add({
      bench: '6 web',
      figure: 'precache (gzip)',
      value: 'no service worker in web/build',
      pass: false
    });
    return;
  }
  const urls = [...fs.readFileSync(sw, 'utf8').matchAll(/url:"([^"]+)"/g)].map((m) => m[1] ?? '');
  const total = urls.reduce(
    (sum, url) =>
      sum + gzipSync(fs.readFileSync(path.join(WEB_BUILD, url.replace(/^\//, '')))).length,
    0
  );
  report.add({
    bench: '6 web',
    figure: `service worker precache (${urls.length} files, gzip)`,
    value: fmt.kb(total),
    budget: '<= 600 KB',
    pass: total <= PRECACHE_BUDGET && urls.length > 0
  });
}
