import { MAX_RANGE_DAYS, TRANSACTION_PAGE_MAX, type KsPayErrorName } from '@kspay/shared';
import { KsPayError } from './errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * KS Pay's rules for `GET /transaction?fromDate&toDate` (UTC days, both inclusive), in the
 * order they are checked: both or neither (11010); from not after to (11007); from not after
 * today (11009); to not after today (11011); at most 90 days apart (11006); from not before
 * the app's creation day (11008). Answers the instants to query: `[from, to + 1 day)`.
 */
export function transactionRange(
  fromDate: string | undefined,
  toDate: string | undefined,
  appCreatedAt: string,
  now: Date
): { from?: string; to?: string } {
  if (fromDate === undefined && toDate === undefined) return {};
  const fail = (name: KsPayErrorName) => new KsPayError(name);
  if (fromDate === undefined || toDate === undefined) throw fail('startAndEndDateRequired');
  const today = now.toISOString().slice(0, 10);
  if (fromDate > toDate) throw fail('dateRangeError');
  if (fromDate > today) throw fail('startDateAfterToday');
  if (toDate > today) throw fail('endDateAfterToday');
  const from = Date.parse(`${fromDate}T00:00:00.000Z`);
  const to = Date.parse(`${toDate}T00:00:00.000Z`);
  if ((to - from) / DAY_MS > MAX_RANGE_DAYS) throw fail('datesExceedError');
  if (fromDate < appCreatedAt.slice(0, 10)) throw fail('startDateBeforeAppCreation');
  return { from: new Date(from).toISOString(), to: new Date(to + DAY_MS).toISOString() };
}

/** `page` (4089) and `limit` (4056) must be positive integers; limit is capped at 100. */
export function pagination(page: string | undefined, limit: string | undefined) {
  const p = page === undefined ? 1 : Number(page);
  const l = limit === undefined ? 20 : Number(limit);
  if (!Number.isInteger(p) || p < 1 || p > 1_000_000) throw new KsPayError('pageShouldBePositive');
  if (!Number.isInteger(l) || l < 1) throw new KsPayError('limitShouldBePositive');
  return { page: p, limit: Math.min(l, TRANSACTION_PAGE_MAX) };
}
