import {
  addDays,
  formatMinor,
  utcDay,
  type CurrencyVolume,
  type Figures,
  type Overview,
  type SeriesPoint,
  type StatusCounts,
  type TransactionStatus
} from '@kspay/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** What the rollup needs of a transaction row. */
export interface RollupSource {
  app_id: string;
  created_at: string;
  currency_code: string;
  amount_minor: number;
}

/**
 * Adds (`sign` 1) or removes (-1) one transaction under `status` in its day's rollup. Call it
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
}

/** One rollup cell as read back (bigints arrive as strings from PostgreSQL). */
interface Cell {
  day: string;
  currency: string;
  status: TransactionStatus;
  count: number;
  volume: number;
}

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
export function metricsStore(db: Kysely<Database>) {
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
     * Two indexed reads of `transaction_daily`: all-time totals (one row per currency and
     * status, summed over the app's days) and the cells of the last `2 * days` days.
     */
    async overview(appId: string, now: Date, days: number): Promise<Overview> {
      const today = utcDay(now);
      const from = addDays(today, -(days - 1));
      const prevFrom = addDays(from, -days);
      const [totals, recent] = await Promise.all([
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
        db
          .selectFrom('transaction_daily')
          .where('app_id', '=', appId)
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
        days,
        allTime,
        today: { day: today, ...figures(byDay.get(today) ?? []) },
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
