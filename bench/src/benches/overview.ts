import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeHistoryCursor, sandboxOutcome, utcDay, type TransactionStatus } from '@kspay/shared';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { createServices } from '../../../server/src/services';
import { newId } from '../../../server/src/lib/tokens';
import { sessionCookieName } from '../../../server/src/middleware/session';
import { sessionStore } from '../../../server/src/store/sessions';
import { userStore } from '../../../server/src/store/users';

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

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 50;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Distinct 9-character ids without a random source (fast for 10^6): 5 characters counting up,
 * so the bulk load appends to the id indexes instead of thrashing them, then 4 that vary.
 */
function txId(n: number): string {
  let out = '';
  for (let i = 0, m = n; i < 5; i++, m = Math.floor(m / 62)) out = (BASE62[m % 62] ?? '0') + out;
  for (let i = 0, x = (n * 2654435761) % 62 ** 4; i < 4; i++, x = Math.floor(x / 62)) {
    out += BASE62[x % 62] ?? '0';
  }
  return `tx_${out}`;
}

interface Side {
  request(path: string): Promise<number>;
  /** The cursor that asks for page 500 (of 50): the last row of page 499. */
  page500: string | null;
  sampleId: string;
  appId: string;
  close(): Promise<void>;
}

interface Built {
  appId: string;
  cookie: string;
  page500: string | null;
  /** A transaction deep in the history, to search for. */
  sampleId: string;
}

/** Writes one database; everything it allocates is garbage once it returns. */
async function build(dir: string, count: number, log: (s: string) => void): Promise<Built> {
  const config = loadConfig({ DATA_DIR: dir, WEB_ROOT: '', LOG_LEVEL: 'silent', DATABASE_URL: '' });
  const s = await createServices(config);
  const { db } = s.db;
  const now = s.clock.now();
  const user = await userStore(db, s.clock).create({
    email: `bench-${count}@example.com`,
    name: 'Bench',
    passwordHash: 'not-used'
  });
  const { token } = await sessionStore(db, s.clock).create(user.id, { ip: null, userAgent: null });
  const cookie = `${sessionCookieName(config.publicOrigin)}=${token}`;
  const appId = newId('ap');
  const iso = new Date(now.getTime() - 90 * DAY_MS).toISOString();
  await db
    .insertInto('apps')
    .values({
      ...{ id: appId, user_id: user.id, name: `Bench ${count}`, name_key: `bench ${count}` },
      ...{ email: 'bench@example.com', address: '1 Bench Road', phone: null, country: 'IN' },
      ...{ state: null, city: null, postal_code: '400001', status: 'active', logo_hash: null },
      ...{ version: 1, last_client_id: null, created_at: iso, updated_at: iso, deleted_at: null }
    })
    .execute();

  // Newest first, 60 days back, several rows per instant now and then (ties are normal).
  const span = 60 * DAY_MS;
  const times = Array.from({ length: count }, (_, i) =>
    new Date(now.getTime() - Math.floor(((i - (i % 3)) / count) * span)).toISOString()
  );
  const ids = times.map((_, i) => txId(i));
  const order = times.map((t, i) => ({ t, id: ids[i] ?? '' }));
  const rollups = new Map<string, { count: number; volume: number }>();
  const started = Date.now();
  const BATCH = 1000;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += BATCH) {
      const rows = order.slice(i, i + BATCH).map(({ t, id }, j) => {
        const n = i + j;
        const amount = 100 + ((n * 7919) % 500_000);
        const currency = n % 4 === 0 ? 'USD' : 'INR';
        const status: TransactionStatus = n % 37 === 0 ? 'initiated' : sandboxOutcome(amount);
        const key = `${utcDay(t)}|${currency}|${status}`;
        const r = rollups.get(key) ?? { count: 0, volume: 0 };
        r.count++;
        r.volume += amount;
        rollups.set(key, r);
        return {
          id,
          app_id: appId,
          key_id: null,
          reference_number: `ref${n}`,
          provider_order_id: `order_${n}`,
          currency_id: currency === 'USD' ? 'c_2xqOlqufc3' : 'c_WkmEe23LeI',
          currency_code: currency,
          payment_method_id: 'pm_Up1IndQ7x',
          payment_mode: 'UPI',
          gateway: 'KS Pay Sandbox',
          amount_minor: amount,
          status,
          redirect_url: null,
          created_at: t,
          updated_at: t
        };
      });
      await trx.insertInto('transactions').values(rows).execute();
      if ((i / BATCH) % 100 === 99) log(`  ${i + BATCH} of ${count} rows`);
    }
    const cells = [...rollups].map(([key, v]) => {
      const [day = '', currency = '', status = 'success'] = key.split('|');
      return {
        ...{ app_id: appId, day, currency, status: status as TransactionStatus },
        ...{ count: v.count, volume_minor: v.volume }
      };
    });
    for (let i = 0; i < cells.length; i += 500) {
      await trx
        .insertInto('transaction_daily')
        .values(cells.slice(i, i + 500))
        .execute();
    }
  });
  log(
    `  ${count} rows and ${rollups.size} rollup cells in ${((Date.now() - started) / 1000).toFixed(1)} s`
  );

  // The order the history answers in: created_at desc, then id desc.
  order.sort((a, b) => (a.t === b.t ? (a.id < b.id ? 1 : -1) : a.t < b.t ? 1 : -1));
  const last = order[499 * PAGE - 1];
  await s.db.close();
  return {
    appId,
    cookie,
    page500: last ? encodeHistoryCursor({ createdAt: last.t, id: last.id }) : null,
    sampleId: order[Math.floor(count * 0.7)]?.id ?? ''
  };
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
