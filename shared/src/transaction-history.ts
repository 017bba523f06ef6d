import { z } from 'zod';
import { transactionStatusSchema } from './payments';
import { localIso } from './time-zone';

/**
 * The merchant console's transaction history (cookie session):
 *
 *   GET /api/apps/:appId/transactions?from=&to=&q=&status=&cursor=&limit=  → HistoryPage (JSON)
 *   GET /api/apps/:appId/transactions.csv?from=&to=&q=&status=             → text/csv, every match
 *
 * Newest first, ordered by (createdAt, id) descending. Paging is by keyset: `nextCursor` names
 * the last row of the page and the next page starts strictly after it, so a page deep in the
 * history costs the same as the first and rows with equal `createdAt` are neither skipped nor
 * repeated. A range that breaks KS Pay's rules (see `checkDateRange` in date-range.ts) answers
 * 400 `invalid_date_range` with `ksCode` 11006–11011, the fix in plain words and `fields.from|to`.
 */

/**
 * A query parameter that may be left empty: `?from=` means "not given", as a form sends it.
 * Typed `string | undefined` on input, so the typed client (`hc<AppType>`) offers strings.
 */
export function optionalParam<T extends z.ZodType<unknown, string>>(schema: T) {
  return z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(schema.optional());
}

/** A whole number in a query parameter, with its bounds and a default for empty or absent. */
export function intParam(opts: { name: string; min: number; max: number; fallback: number }) {
  const { name, min, max, fallback } = opts;
  const n = z
    .string()
    .regex(/^\d{1,9}$/, `${name} is a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} is at least ${min}`).max(max, `${name} is at most ${max}`));
  return optionalParam(n).transform((v) => v ?? fallback);
}

const day = z.iso.date('Use a date like 2026-01-31');

export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;
export const HISTORY_COUNT_CAP = 10_000;

/** Transaction ids are `tx_` + base62; `q` is the whole id or its beginning. */
export const transactionSearchSchema = z
  .string()
  .trim()
  .max(32, 'A transaction id has at most 32 characters')
  .regex(/^[A-Za-z0-9_]+$/, 'Search by transaction id (letters, digits and _)');

/**
 * The cursor is `<createdAt>~<id>` of the last row of a page. Clients pass it back unchanged;
 * its format is not part of the contract.
 */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([A-Za-z0-9_]{1,40})$/;
export interface HistoryCursor {
  createdAt: string;
  id: string;
}
export function encodeHistoryCursor(c: HistoryCursor): string {
  return `${c.createdAt}~${c.id}`;
}
export const historyCursorSchema = z
  .string()
  .max(80)
  .transform((s, ctx): HistoryCursor => {
    const m = CURSOR.exec(s);
    if (!m?.[1] || !m[2]) {
      ctx.addIssue({ code: 'custom', message: 'This page link is no longer valid' });
      return z.NEVER;
    }
    return { createdAt: m[1], id: m[2] };
  });

export const historyFilterSchema = z.strictObject({
  /** First day (in the account's time zone, inclusive); with `to`, or neither. */
  from: optionalParam(day),
  /** Last day (in the account's time zone, inclusive). */
  to: optionalParam(day),
  /** Transaction id, exact or prefix. */
  q: optionalParam(transactionSearchSchema),
  /** Only transactions in this status; absent or empty: every status. */
  status: optionalParam(
    z.enum(transactionStatusSchema.options, {
      error: 'Choose Success, Failed, Pending or Initiated'
    })
  )
});
export type HistoryFilter = z.infer<typeof historyFilterSchema>;

export const historyQuerySchema = historyFilterSchema.extend({
  cursor: optionalParam(historyCursorSchema),
  limit: intParam({
    name: 'limit',
    min: 1,
    max: HISTORY_PAGE_MAX,
    fallback: HISTORY_PAGE_DEFAULT
  })
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;
export type HistoryQueryInput = z.input<typeof historyQuerySchema>;

/** One line of the history, in the columns the Transactions page shows. */
export const historyRowSchema = z.object({
  /** Transaction ID (`pe_txnId` in the payments API). */
  id: z.string(),
  referenceNumber: z.string(),
  /** KS Pay's order id for the payment (`providerOrderId` in the payments API). */
  providerOrderId: z.string(),
  currencyId: z.string(),
  paymentMethodId: z.string(),
  /** The transaction's redirect URL, if the merchant gave one. */
  redirectUrl: z.string().nullable(),
  /** Creation Date, ISO instant. */
  createdAt: z.string(),
  /** Last Update, ISO instant. */
  updatedAt: z.string(),
  paymentMode: z.string(),
  gateway: z.string(),
  /** ISO 4217 code, e.g. INR. */
  currency: z.string(),
  /** Decimal string in major units, exact: "1234.50". */
  amount: z.string(),
  /** The same amount in minor units (cents), an exact integer. */
  amountMinor: z.number().int(),
  status: transactionStatusSchema
});
export type HistoryRow = z.infer<typeof historyRowSchema>;

export const historyPageSchema = z.object({
  transactions: z.array(historyRowSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** How many transactions match the filter (every page, not this one); the same on every page. */
  total: z.number().int().nonnegative(),
  /**
   * True when `total` is a floor: a search by id prefix without dates stops counting at
   * `HISTORY_COUNT_CAP` ("10,000+ transactions") rather than read every id it matches.
   */
  totalCapped: z.boolean(),
  /** Server time of the answer: the offline copy shows "as of" this. */
  asOf: z.string()
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

/** The CSV's header row, in the order of the Transactions table. */
export const HISTORY_CSV_COLUMNS = [
  'Transaction ID',
  'Creation Date',
  'Last Update',
  'Payment Mode',
  'Payment Gateway',
  'Currency',
  'Amount',
  'Status'
] as const;

/** One CSV line; times as ISO 8601 with `timeZone`'s offset: `2026-11-22T09:53:00+05:30`. */
export function historyCsvRecord(r: HistoryRow, timeZone = 'UTC'): string[] {
  return [
    r.id,
    localIso(r.createdAt, timeZone),
    localIso(r.updatedAt, timeZone),
    r.paymentMode,
    r.gateway,
    r.currency,
    r.amount,
    r.status
  ];
}

/** Minor units (cents) as an exact decimal string: 123450 → "1234.50" (integer arithmetic). */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
