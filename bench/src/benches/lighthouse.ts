import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromium } from 'playwright-core';
import { type Report } from '../lib/report';
import type { BenchServer } from '../lib/server';

/**
 * Lighthouse 12 (desktop preset: the console is a desktop tool) against the production build
 * served by the real server, in Debian's Chromium: performance >= 95 and accessibility 100 on
 * the sign-in page and, signed in, the dashboard. Each page is audited on a cold load.
 */
const PORT = 9333;

export async function lighthouseBench(chromiumPath: string, server: BenchServer, report: Report) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--remote-debugging-port=${PORT}`]
  });
  try {
    const pages = [
      { name: 'sign-in', path: '/sign-in', cookie: undefined },
      { name: 'dashboard', path: '/', cookie: server.fixtures.payments.cookie }
    ];
    for (const p of pages) {
      const result = await lighthouse(
        `${server.origin}${p.path}`,
        {
          port: PORT,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility'],
          ...(p.cookie ? { extraHeaders: { Cookie: p.cookie } } : {})
        },
        desktopConfig
      );
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned nothing for ${p.path}`);
      if (lhr.runtimeError) throw new Error(`${p.path}: ${lhr.runtimeError.message}`);
      const perf = Math.round((lhr.categories.performance?.score ?? 0) * 100);
      const a11y = Math.round((lhr.categories.accessibility?.score ?? 0) * 100);
      const landed = new URL(lhr.finalDisplayedUrl).pathname;
      const metric = (id: string) => lhr.audits[id]?.displayValue ?? '?';
      const metrics = `FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}`;
      const failing = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id)
        .slice(0, 4);
      report.add({
        bench: '6 web (Lighthouse)',
        figure: `${p.name} performance (landed on ${landed})`,
        value: `${perf} (${metrics})`,
        budget: '>= 95',
        pass: perf >= 95
      });
      report.add({
        bench: '6 web (Lighthouse)',
        figure: `${p.name} accessibility`,
        value: a11y === 100 ? '100' : `${a11y} (failing: ${failing.join(', ')})`,
        budget: '100',
        pass: a11y === 100
      });
    }
  } finally {
    await browser.close();
  }
}
