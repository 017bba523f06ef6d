import { z } from 'zod';
import { intParam } from './transaction-history';

/**
 * The App Overview (cookie session): `GET /api/apps/:appId/overview?days=30` → `Overview`.
 *
 * Every figure comes from per-app, per-day rollups kept in the same database transaction as
 * each transaction's creation and status change, so the answer costs the same for ten
 * transactions as for ten million. Days are calendar days in the account's time zone
 * (`timeZone`) and a transaction counts on the day it was created (its status may change
 * later; it stays on that day).
 *
 * Definitions:
 * - `count`: transactions created; `byStatus` splits it (initiated = never processed).
 * - `volume`: the amount of SUCCESSFUL transactions per currency (money actually taken), in
 *   exact minor units (`amountMinor`) and as a decimal string (`amount`); currencies are never
 *   summed together.
 * - `successRate`: success / count, in [0, 1]; null when count is 0 (nothing to rate).
 * - `period`: the last `days` days up to and including today; `previousPeriod`: the `days`
 *   days before it, for "vs previous period".
 * - `series`: one entry per day of `period`, oldest first, zero-filled.
 * An app without transactions answers zeros everywhere (and `successRate: null`): the page
 * shows "No transaction yet" when `allTime.count` is 0.
 */

export const OVERVIEW_DAYS_DEFAULT = 30;
export const OVERVIEW_DAYS_MAX = 90;

export const overviewQuerySchema = z.strictObject({
  days: intParam({
    name: 'days',
    min: 1,
    max: OVERVIEW_DAYS_MAX,
    fallback: OVERVIEW_DAYS_DEFAULT
  })
});
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;

const count = z.number().int().min(0);

export const statusCountsSchema = z.object({
  initiated: count,
  success: count,
  failed: count,
  pending: count
});
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export const currencyVolumeSchema = z.object({
  /** ISO 4217, e.g. INR. */
  currency: z.string(),
  /** Sum of successful amounts in minor units (cents): exact. */
  amountMinor: z.number().int(),
  /** The same as a decimal string, e.g. "1234.50". */
  amount: z.string(),
  /** Successful transactions in this currency. */
  count
});
export type CurrencyVolume = z.infer<typeof currencyVolumeSchema>;

export const figuresSchema = z.object({
  count,
  byStatus: statusCountsSchema,
  successRate: z.number().min(0).max(1).nullable(),
  /** Sorted by currency code. */
  volume: z.array(currencyVolumeSchema)
});
export type Figures = z.infer<typeof figuresSchema>;

const day = z.iso.date();
const spanSchema = figuresSchema.extend({ from: day, to: day });

export const seriesPointSchema = z.object({
  day,
  count,
  byStatus: statusCountsSchema,
  /** Successful amount per currency code, minor units; currencies without any are absent. */
  volumeMinor: z.record(z.string(), z.number().int())
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const overviewSchema = z.object({
  appId: z.string(),
  /** Server time of the figures: the offline copy shows "as of" this. */
  asOf: z.string(),
  /** The account's IANA zone: every day here is a calendar day in it. */
  timeZone: z.string(),
  days: z.number().int(),
  /** Every transaction the app ever had (not only the period). */
  allTime: figuresSchema,
  /** Today so far, in the account's zone. */
  today: figuresSchema.extend({ day }),
  /**
   * Yesterday up to the same time of day as now (to the end of that quarter hour, `until`):
   * what "Today so far" compares with.
   */
  yesterdaySoFar: figuresSchema.extend({ day, until: z.string() }),
  period: spanSchema,
  previousPeriod: spanSchema,
  series: z.array(seriesPointSchema),
  /** Every currency the app has taken money in, sorted: the chart's choices. */
  currencies: z.array(z.string())
});
export type Overview = z.infer<typeof overviewSchema>;

/** `(current - previous) / previous`, or null when there is nothing to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  return previous === 0 ? null : (current - previous) / previous;
}
