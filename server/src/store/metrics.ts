import {
  addDays,
  dayInstants,
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
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';

/** What the rollup needs of a transaction row. */
export interface RollupSource {
  app_id: string;
  created_at: string;
  currency_code: string;
  amount_minor: number;
}

/**
 * Adds (`sign` 1) or removes (-1) one transaction under `status` in its UTC day's rollup (the
 * all-time totals) and its 15-minute bucket's (any zone's days, 005_time_zone). Call it
 * only with the transaction (`trx`) that inserts the row or changes its status: both commit
 * together or neither does, which is what keeps the rollup equal to a recount.
 */
export async function rollup(
  trx: Kysely<Database>,
  tx: RollupSource,
  status: TransactionStatus,
  sign: 1 | -1
): Promise<void> {
  await trx
    .insertInto('transaction_daily')
    .values({
      app_id: tx.app_id,
      day: utcDay(tx.created_at),
      currency: tx.currency_code,
      status,
      count: sign,
      volume_minor: sign * tx.amount_minor
    })
    .onConflict((oc) =>
      oc.columns(['app_id', 'day', 'currency', 'status']).doUpdateSet((eb) => ({
        count: eb('transaction_daily.count', '+', eb.ref('excluded.count')),
        volume_minor: eb('transaction_daily.volume_minor', '+', eb.ref('excluded.volume_minor'))
      }))
    )
    .execute();
  await trx
    .insertInto('transaction_quarter')
    .values({
      app_id: tx.app_id,
      bucket: quarterOf(tx.created_at),
      currency: tx.currency_code,
      status,
      count: sign,
      volume_minor: sign * tx.amount_minor
    })
    .onConflict((oc) =>
      oc.columns(['app_id', 'bucket', 'currency', 'status']).doUpdateSet((eb) => ({
        count: eb('transaction_quarter.count', '+', eb.ref('excluded.count')),
        volume_minor: eb('transaction_quarter.volume_minor', '+', eb.ref('excluded.volume_minor'))
      }))
    )
    .execute();
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

/** The App Overview, read from the rollups only (never from `transactions`). */
export function metricsStore(database: Db, _clock: Clock) {
  const { db } = database;
  const toCell = (r: {
    day?: string;
    currency: string;
    status: TransactionStatus;
    count: number | string | null;
    volume: number | string | null;
  }): Cell => ({
    day: r.day ?? '',
    currency: r.currency,
    status: r.status,
    count: Number(r.count ?? 0),
    volume: Number(r.volume ?? 0)
  });

  return {
    /**
     * All-time totals from `transaction_daily` (one row per currency and status, summed over
     * the app's days) and the last `2 * days` local days of `timeZone` from
     * `transaction_quarter`, summed per local day by the database: one grouped range read per
     * span of constant UTC offset (one, or two across a DST change), where a bucket's local
     * day is `(bucket + offset) div 86400`. Neither read grows with the number of transactions.
     */
    async overview(appId: string, now: Date, days: number, timeZone: string): Promise<Overview> {
      const today = localDay(now, timeZone);
      const from = addDays(today, -(days - 1));
      const prevFrom = addDays(from, -days);
      const windowStart = dayInstants(prevFrom, timeZone).start;
      const todayRange = dayInstants(today, timeZone);
      const yesterday = addDays(today, -1);
      // "So far" yesterday: up to the same wall-clock time, to the end of its quarter hour.
      const wallNow = Date.parse(`${today}T00:00:00.000Z`) + (now.getTime() - todayRange.start);
      const cut = instantOfWallClock(wallNow - DAY_S * 1000, timeZone);
      const yesterdayRange = dayInstants(yesterday, timeZone);
      const until = Math.min(Math.ceil((cut + 1) / QUARTER_MS) * QUARTER_MS, yesterdayRange.end);
      const quarters = (start: number, end: number) =>
        db
          .selectFrom('transaction_quarter')
          .where('app_id', '=', appId)
          .where('bucket', '>=', start / 1000)
          .where('bucket', '<', end / 1000);
      const spans = offsetSpans(windowStart, todayRange.end, timeZone);
      const [totals, soFar, ...recent] = await Promise.all([
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
        quarters(yesterdayRange.start, until)
          .groupBy(['currency', 'status'])
          .select((eb) => [
            'currency',
            'status',
            eb.fn.sum<number | string | null>('count').as('count'),
            eb.fn.sum<number | string | null>('volume_minor').as('volume')
          ])
          .execute(),
        ...spans.map((span) => {
          const localDayNumber = sql<
            number | string
          >`(bucket + ${sql.lit(span.offsetMinutes * 60)}) / ${sql.lit(DAY_S)}`;
          return quarters(span.start, span.end)
            .groupBy([localDayNumber, 'currency', 'status'])
            .select((eb) => [
              localDayNumber.as('day_number'),
              'currency',
              'status',
              eb.fn.sum<number | string | null>('count').as('count'),
              eb.fn.sum<number | string | null>('volume_minor').as('volume')
            ])
            .execute();
        })
      ]);
      const cells = recent
        .flat()
        .map((r) => toCell({ ...r, day: dayOfNumber(Number(r.day_number)) }));
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
