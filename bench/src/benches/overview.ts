import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, PAGE, type Built } from './overview-data';
import { createApp, loadConfig, createServices } from '@kspay/server/testing';

/**
 * Issue 5: the App Overview and the transaction history must not slow down as an app's
 * history grows. Two SQLite databases, one app each, with 1,000 and 1,000,000 transactions
 * (written in bulk with their rollups, as the store would have left them), then requests
 * through the whole in-process app (session, ownership, validation, query, JSON) taken in
 * turns, so both sides see the same machine noise:
 *   - overview median at 1,000,000 / at 1,000          (budget <= 3x)
 *   - history page 500 / page 1 at 1,000,000 (keyset)  (budget <= 3x)
 */

/** The runner's Report, structurally: `{bench, figure, value, budget?, pass?}` rows. */
export interface RowSink {
  add(row: { bench: string; figure: string; value: string; budget?: string; pass?: boolean }): void;
}

interface Side {
  request(path: string): Promise<number>;
  /** The cursor that asks for page 500 (of 50): the last row of page 499. */
  page500: string | null;
  sampleId: string;
  appId: string;
  close(): Promise<void>;
}

/**
 * Serves a built database from a fresh state, as a server would: reopened (no bulk-load WAL)
 * and with none of the loader's 10^6 objects alive to slow the garbage collector.
 */
async function serve(dir: string, built: Built): Promise<Side> {
  const config = loadConfig({ DATA_DIR: dir, WEB_ROOT: '', LOG_LEVEL: 'silent', DATABASE_URL: '' });
  const served = await createServices(config);
  const app = createApp(served);
  return {
    appId: built.appId,
    page500: built.page500,
    sampleId: built.sampleId,
    async request(p: string) {
      const t0 = performance.now();
      const res = await app.request(p, { headers: { cookie: built.cookie } });
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
      return ms;
    },
    close: () => served.db.close()
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

export async function overviewBench(
  report: RowSink,
  opts: { small?: number; large?: number; rounds?: number; log?: (s: string) => void } = {}
): Promise<{ overviewRatio: number; pageRatio: number }> {
  const small = opts.small ?? 1_000;
  const large = opts.large ?? 1_000_000;
  const rounds = opts.rounds ?? 300;
  const log = opts.log ?? (() => undefined);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-bench-overview-'));
  const sides: Side[] = [];
  try {
    log(`building ${small} and ${large} transactions (SQLite, bulk)`);
    const dirs = { small: path.join(root, 'small'), large: path.join(root, 'large') };
    const builtSmall = await build(dirs.small, small, log);
    const builtLarge = await build(dirs.large, large, log);
    const a = await serve(dirs.small, builtSmall);
    sides.push(a);
    const b = await serve(dirs.large, builtLarge);
    sides.push(b);
    const page500 = b.page500;
    if (!page500) throw new Error(`${large} transactions do not make 500 pages of ${PAGE}`);
    const history = `/api/apps/${b.appId}/transactions?limit=${PAGE}`;
    const paths = {
      small: `/api/apps/${a.appId}/overview`,
      large: `/api/apps/${b.appId}/overview`,
      page1: history,
      page500: `${history}&cursor=${encodeURIComponent(page500)}`,
      exact: `${history}&q=${b.sampleId}`,
      prefix: `${history}&q=${b.sampleId.slice(0, 6)}`
    };
    const t = { small: [0], large: [0], page1: [0], page500: [0], exact: [0], prefix: [0] };
    const round = async () => {
      const out = { ...t };
      out.small = [await a.request(paths.small)];
      for (const k of ['large', 'page1', 'page500', 'exact', 'prefix'] as const) {
        out[k] = [await b.request(paths[k])];
      }
      return out;
    };
    // Warm-up (JIT, SQLite page cache): the first few hundred requests run slower.
    for (let i = 0; i < 200; i++) await round();
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] = [];
    // Each round asks every path once, so both sides of a ratio see the same machine noise.
    for (let i = 0; i < rounds; i++) {
      const r = await round();
      for (const k of Object.keys(t) as (keyof typeof t)[]) t[k].push(...r[k]);
    }
    const overviewRatio = median(t.large) / median(t.small);
    const pageRatio = median(t.page500) / median(t.page1);
    const bench = 'Overview & history (issue 5)';
    const info = (figure: string, xs: number[]) =>
      report.add({ bench, figure, value: ms(median(xs)) });
    info(`overview median, ${small} transactions`, t.small);
    info(`overview median, ${large} transactions`, t.large);
    report.add({
      bench,
      figure: `overview ${large} / ${small}`,
      value: `${overviewRatio.toFixed(2)}x`,
      budget: '<= 3x',
      pass: overviewRatio <= 3
    });
    info(`history page 1 median, ${large} transactions`, t.page1);
    info(`history page 500 median, ${large} transactions`, t.page500);
    report.add({
      bench,
      figure: 'history page 500 / page 1',
      value: `${pageRatio.toFixed(2)}x`,
      budget: '<= 3x',
      pass: pageRatio <= 3
    });
    info(`search by exact id, ${large} transactions`, t.exact);
    info(`search by 6-character id prefix, ${large} transactions`, t.prefix);
    return { overviewRatio, pageRatio };
  } finally {
    for (const s of sides) await s.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
