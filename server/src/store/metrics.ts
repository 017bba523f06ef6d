import {
  addDays,
  dayInstants,
  dayStart,
  formatMinor,
  instantOfWallClock,
  localDay,
  offsetSpans,
  QUARTER_MS,
  utcDay,
  type CurrencyVolume,
  type Figures,
  type Overview,
  type SeriesPoint,
  type StatusCounts,
  type TransactionStatus
} from '@kspay/shared';
import { sql, type Kysely } from 'kysely';
import type { Db, Dialect } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';

/** What the rollup needs of a transaction row. */
export interface RollupSource {
  app_id: string;
  created_at: string;
  currency_code: string;
  amount_minor: number;
}

/** The rollup tables (004_metrics, 005_time_zone, 008_local_days). */
type RollupTable = 'transaction_daily' | 'transaction_quarter' | 'transaction_local_day';

/** One rollup cell: the table's bucket columns, currency, status and what they add. */
type CellValues = Record<string, string | number> & { count: number; volume_minor: number };

/**
 * Adds cells to a rollup table: each is the table's bucket (a UTC day, a 15-minute bucket, a
 * zone's local day) plus currency and status, and the count and volume it adds (negative to
 * remove). The one writer of every rollup, so they cannot drift apart.
 */
async function addCells(trx: Kysely<Database>, table: RollupTable, cells: CellValues[]) {
  const first = cells[0];
  if (!first) return;
  const names = Object.keys(first);
  const keys = names.filter((c) => c !== 'count' && c !== 'volume_minor').map((c) => sql.ref(c));
  const rows = cells.map((c) => sql`(${sql.join(names.map((n) => c[n]))})`);
  const add = (c: string) =>
    sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + excluded.${sql.ref(c)}`;
  await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
    values ${sql.join(rows)}
    on conflict (${sql.join(keys)}) do update set ${add('count')}, ${add('volume_minor')}`.execute(
    trx
  );
}

/** Advisory-lock class of an app's rollups on PostgreSQL (the second key is the app's hash). */
const ROLLUP_LOCK = 15;

/**
 * Adds (`sign` 1) or removes (-1) one transaction under `status` in every rollup: its UTC day's
 * (the all-time totals), its 15-minute bucket's (any zone's days, 005_time_zone) and, for every
 * zone the app's overview keeps (008_local_days), its local day's in that zone. Call it only
 * with the transaction (`trx`) that inserts the row or changes its status: both commit together
 * or neither does, which is what keeps every rollup equal to a recount. On PostgreSQL it holds
 * the app's rollup lock shared, so that a zone being filled (exclusive) sees every write either
 * in the buckets it reads or as a writer of the zone's days after it committed.
 */
export async function rollup(
  trx: Kysely<Database>,
  dialect: Dialect,
  tx: RollupSource,
  status: TransactionStatus,
  sign: 1 | -1
): Promise<void> {
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock_shared(${sql.lit(ROLLUP_LOCK)}, hashtext(${tx.app_id}))`.execute(
      trx
    );
  }
  const app_id = tx.app_id;
  const added = {
    currency: tx.currency_code,
    status,
    count: sign,
    volume_minor: sign * tx.amount_minor
  };
  await addCells(trx, 'transaction_daily', [{ app_id, day: utcDay(tx.created_at), ...added }]);
  const bucket = quarterOf(tx.created_at);
  await addCells(trx, 'transaction_quarter', [{ app_id, bucket, ...added }]);
  const zones = await trx
    .selectFrom('transaction_zone')
    .select(['time_zone', 'from_day'])
    .where('app_id', '=', app_id)
    .execute();
  for (const { time_zone, from_day } of zones) {
    const day = localDay(tx.created_at, time_zone);
    if (day < from_day) continue;
    await addCells(trx, 'transaction_local_day', [{ app_id, time_zone, day, ...added }]);
  }
}

/** The 15-minute bucket of an instant: its UTC start in epoch seconds. */
export function quarterOf(at: string | number): number {
  const t = typeof at === 'number' ? at : Date.parse(at);
  return (Math.floor(t / QUARTER_MS) * QUARTER_MS) / 1000;
}

/** One rollup cell as read back (bigints arrive as strings from PostgreSQL). */
interface Cell {
  day: string;
  currency: string;
  status: TransactionStatus;
  count: number;
  volume: number;
}

const DAY_S = 86400;
const dayOfNumber = (n: number) => new Date(n * DAY_S * 1000).toISOString().slice(0, 10);

const zeroCounts = (): StatusCounts => ({ initiated: 0, success: 0, failed: 0, pending: 0 });

/** Figures of a set of cells: counts by status, successful volume per currency, success rate. */
function figures(cells: Cell[]): Figures {
  const byStatus = zeroCounts();
  const volume = new Map<string, { amountMinor: number; count: number }>();
  for (const c of cells) {
    byStatus[c.status] += c.count;
    if (c.status !== 'success' || c.count === 0) continue;
    const v = volume.get(c.currency) ?? { amountMinor: 0, count: 0 };
    v.amountMinor += c.volume;
    v.count += c.count;
    volume.set(c.currency, v);
  }
  const count = byStatus.initiated + byStatus.success + byStatus.failed + byStatus.pending;
  const volumes: CurrencyVolume[] = [...volume.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, v]) => ({ currency, ...v, amount: formatMinor(v.amountMinor) }));
  return {
    count,
    byStatus,
    successRate: count === 0 ? null : byStatus.success / count,
    volume: volumes
  };
}

function seriesPoint(day: string, cells: Cell[]): SeriesPoint {
  const byStatus = zeroCounts();
  const volumeMinor: Record<string, number> = {};
  for (const c of cells) {
    byStatus[c.status] += c.count;
    if (c.status === 'success' && c.count > 0) {
      volumeMinor[c.currency] = (volumeMinor[c.currency] ?? 0) + c.volume;
    }
  }
  const count = byStatus.initiated + byStatus.success + byStatus.failed + byStatus.pending;
  return { day, count, byStatus, volumeMinor };
}

type Row = {
  currency: string;
  status: TransactionStatus;
  count: number | string | null;
  volume: number | string | null;
};

const toCell = (r: Row & { day?: string }): Cell => ({
  day: r.day ?? '',
  currency: r.currency,
  status: r.status,
  count: Number(r.count ?? 0),
  volume: Number(r.volume ?? 0)
});

/** The App Overview, read from the rollups only (never from `transactions`). */
export function metricsStore(database: Db, clock: Clock) {
  const { db, dialect } = database;

  const quarters = (q: Kysely<Database>, appId: string, start: number, end: number) =>
    q
      .selectFrom('transaction_quarter')
      .where('app_id', '=', appId)
      .where('bucket', '>=', start / 1000)
      .where('bucket', '<', end / 1000);

  /**
   * Makes `transaction_local_day` hold every local day of `timeZone` from `fromDay` on
   * (008_local_days): the days not kept yet are summed once from the 15-minute buckets — one
   * grouped range read per span of constant UTC offset, where a bucket's local day is
   * `(bucket + offset) div 86400` — and from then on the rollup writer keeps them. Runs alone
   * among the app's writers: the PostgreSQL rollup lock exclusive; on SQLite a write first, so
   * the transaction holds the database's write lock before it reads.
   */
  async function keepZone(appId: string, timeZone: string, fromDay: string): Promise<void> {
    const kept = await db
      .selectFrom('transaction_zone')
      .select('from_day')
      .where('app_id', '=', appId)
      .where('time_zone', '=', timeZone)
      .executeTakeFirst();
    if (kept && kept.from_day <= fromDay) return;
    await db.transaction().execute(async (trx) => {
      const zoneRow = trx
        .updateTable('transaction_zone')
        .set((eb) => ({ from_day: eb.ref('from_day') }))
        .where('app_id', '=', appId)
        .where('time_zone', '=', timeZone);
      if (dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(${sql.lit(ROLLUP_LOCK)}, hashtext(${appId}))`.execute(
          trx
        );
      }
      // On SQLite this write comes first, so the transaction holds the write lock from here.
      const now = await zoneRow.returning('from_day').executeTakeFirst();
      if (now && now.from_day <= fromDay) return;
      const start = dayStart(fromDay, timeZone);
      let end: number;
      if (now) end = dayStart(now.from_day, timeZone);
      else {
        const last = await trx
          .selectFrom('transaction_quarter')
          .where('app_id', '=', appId)
          .select((eb) => eb.fn.max('bucket').as('last'))
          .executeTakeFirst();
        end = last?.last == null ? start : Number(last.last) * 1000 + QUARTER_MS;
      }
      const spans = end > start ? offsetSpans(start, end, timeZone) : [];
      for (const span of spans) {
        const localDayNumber = sql<
          number | string
        >`(bucket + ${sql.lit(span.offsetMinutes * 60)}) / ${sql.lit(DAY_S)}`;
        const rows = await quarters(trx, appId, span.start, span.end)
          .groupBy([localDayNumber, 'currency', 'status'])
          .select((eb) => [
            localDayNumber.as('day_number'),
            'currency',
            'status',
            eb.fn.sum<number | string | null>('count').as('count'),
            eb.fn.sum<number | string | null>('volume_minor').as('volume')
          ])
          .execute();
        const cells = rows.map((r) => ({
          app_id: appId,
          time_zone: timeZone,
          day: dayOfNumber(Number(r.day_number)),
          currency: r.currency,
          status: r.status,
          count: Number(r.count ?? 0),
          volume_minor: Number(r.volume ?? 0)
        }));
        // A local day cut by an offset change is summed from two spans: the cells add up.
        for (let i = 0; i < cells.length; i += 500) {
          await addCells(trx, 'transaction_local_day', cells.slice(i, i + 500));
        }
      }
      await trx
        .insertInto('transaction_zone')
        .values({ app_id: appId, time_zone: timeZone, from_day: fromDay })
        .onConflict((oc) => oc.columns(['app_id', 'time_zone']).doUpdateSet({ from_day: fromDay }))
        .execute();
    });
  }

  return {
    /**
     * All-time totals from `transaction_daily` (one row per currency and status, summed over
     * the app's days), the last `2 * days` local days of `timeZone` from
     * `transaction_local_day` (at most one row per day, currency and status) and yesterday so
     * far from at most one day of 15-minute buckets. None of them grows with the number of
     * transactions.
     */
    async overview(
      appId: string,
      days: number,
      timeZone: string,
      now: Date = clock.now()
    ): Promise<Overview> {
      const today = localDay(now, timeZone);
      const from = addDays(today, -(days - 1));
      const prevFrom = addDays(from, -days);
      const todayRange = dayInstants(today, timeZone);
      const yesterday = addDays(today, -1);
      // "So far" yesterday: up to the same wall-clock time, to the end of its quarter hour.
      const wallNow = Date.parse(`${today}T00:00:00.000Z`) + (now.getTime() - todayRange.start);
      const cut = instantOfWallClock(wallNow - DAY_S * 1000, timeZone);
      const yesterdayRange = dayInstants(yesterday, timeZone);
      const until = Math.min(Math.ceil((cut + 1) / QUARTER_MS) * QUARTER_MS, yesterdayRange.end);
      await keepZone(appId, timeZone, prevFrom);
      const [totals, soFar, recent] = await Promise.all([
        db
          .selectFrom('transaction_daily')
          .where('app_id', '=', appId)
          .groupBy(['currency', 'status'])
          .select((eb) => [
            'currency',
            'status',
            eb.fn.sum<number | string | null>('count').as('count'),
            eb.fn.sum<number | string | null>('volume_minor').as('volume')
          ])
          .execute(),
        quarters(db, appId, yesterdayRange.start, until)
          .groupBy(['currency', 'status'])
          .select((eb) => [
            'currency',
            'status',
            eb.fn.sum<number | string | null>('count').as('count'),
            eb.fn.sum<number | string | null>('volume_minor').as('volume')
          ])
          .execute(),
        db
          .selectFrom('transaction_local_day')
          .where('app_id', '=', appId)
          .where('time_zone', '=', timeZone)
          .where('day', '>=', prevFrom)
          .where('day', '<=', today)
          .select(['day', 'currency', 'status', 'count', 'volume_minor as volume'])
          .execute()
      ]);
      const cells = recent.map(toCell);
      const between = (a: string, b: string) => cells.filter((c) => c.day >= a && c.day <= b);
      const byDay = new Map<string, Cell[]>();
      for (const c of cells) {
        const list = byDay.get(c.day);
        if (list) list.push(c);
        else byDay.set(c.day, [c]);
      }
      const series: SeriesPoint[] = [];
      for (let d = from; d <= today; d = addDays(d, 1))
        series.push(seriesPoint(d, byDay.get(d) ?? []));
      const allTime = figures(totals.map(toCell));
      return {
        appId,
        asOf: now.toISOString(),
        timeZone,
        days,
        allTime,
        today: { day: today, ...figures(byDay.get(today) ?? []) },
        yesterdaySoFar: {
          day: yesterday,
          until: new Date(until).toISOString(),
          ...figures(soFar.map(toCell))
        },
        period: { from, to: today, ...figures(between(from, today)) },
        previousPeriod: {
          from: prevFrom,
          to: addDays(from, -1),
          ...figures(between(prevFrom, addDays(from, -1)))
        },
        series,
        currencies: allTime.volume.map((v) => v.currency)
      };
    }
  };
}
