import { encodeHistoryCursor, sandboxOutcome, utcDay, type TransactionStatus } from '@kspay/shared';
import { newId } from '@kspay/shared/ids';
import {
  loadConfig,
  sessionCookieName,
  createServices,
  sessionStore,
  userStore
} from '@kspay/server/testing';

/**
 * The overview benchmark's databases: one app with `count` transactions over 60 days and the
 * rollup cells the store would have kept for them, written in bulk (10^6 rows in ~45 s).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const PAGE = 50;
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

export interface Built {
  appId: string;
  cookie: string;
  page500: string | null;
  /** A transaction deep in the history, to search for. */
  sampleId: string;
}

/** Writes one database; everything it allocates is garbage once it returns. */
export async function build(dir: string, count: number, log: (s: string) => void): Promise<Built> {
  const config = loadConfig({ DATA_DIR: dir, WEB_ROOT: '', LOG_LEVEL: 'silent', DATABASE_URL: '' });
  const s = await createServices(config);
  const { db } = s.db;
  const now = s.clock.now();
  const user = await userStore(s.db, s.clock).create({
    email: `bench-${count}@example.com`,
    name: 'Bench',
    passwordHash: 'not-used',
    // Not UTC: the overview sums 15-minute buckets per local day of a +05:30 zone.
    timeZone: process.env.BENCH_TIME_ZONE ?? 'Asia/Kolkata'
  });
  const { token } = await sessionStore(s.db, s.clock).create(user.id, {
    ip: null,
    userAgent: null
  });
  const cookie = `${sessionCookieName(config.publicOrigin)}=${token}`;
  // Sign-up made the merchant the Owner of their own business, which owns the app.
  const { business_id: businessId } = await db
    .selectFrom('memberships')
    .select('business_id')
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  const appId = newId('ap');
  const iso = new Date(now.getTime() - 90 * DAY_MS).toISOString();
  await db
    .insertInto('apps')
    .values({
      ...{ id: appId, business_id: businessId, name: `Bench ${count}`, name_key: `bench ${count}` },
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
  const quarters = new Map<string, { count: number; volume: number }>();
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
        const qKey = `${Math.floor(Date.parse(t) / 900_000) * 900}|${currency}|${status}`;
        const q = quarters.get(qKey) ?? { count: 0, volume: 0 };
        q.count++;
        q.volume += amount;
        quarters.set(qKey, q);
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
    const buckets = [...quarters].map(([key, v]) => {
      const [bucket = '0', currency = '', status = 'success'] = key.split('|');
      return {
        ...{ app_id: appId, bucket: Number(bucket), currency },
        ...{ status: status as TransactionStatus, count: v.count, volume_minor: v.volume }
      };
    });
    for (let i = 0; i < buckets.length; i += 500) {
      await trx
        .insertInto('transaction_quarter')
        .values(buckets.slice(i, i + 500))
        .execute();
    }
  });
  log(
    `  ${count} rows, ${rollups.size} daily and ${quarters.size} 15-minute rollup cells in ${((Date.now() - started) / 1000).toFixed(1)} s`
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
