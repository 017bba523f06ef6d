import { checkDateRange, rangeInstants, TRANSACTION_PAGE_MAX } from '@kspay/shared';
import { KsPayError } from './errors';

/**
 * KS Pay's rules for `GET /transaction?fromDate&toDate` (UTC days, both inclusive): the shared
 * `checkDateRange` (also used by the merchant history API and the web date picker), answered
 * with the broken rule's code 11006–11011. Answers the instants to query: `[from, to + 1 day)`.
 */
export function transactionRange(
  fromDate: string | undefined,
  toDate: string | undefined,
  appCreatedAt: string,
  now: Date
): { from?: string; to?: string } {
  const broken = checkDateRange({ from: fromDate, to: toDate }, { appCreatedAt, now });
  if (broken) throw new KsPayError(broken.rule);
  if (fromDate === undefined || toDate === undefined) return {};
  return rangeInstants(fromDate, toDate);
}

/** `page` (4089) and `limit` (4056) must be positive integers; limit is capped at 100. */
export function pagination(page: string | undefined, limit: string | undefined) {
  const p = page === undefined ? 1 : Number(page);
  const l = limit === undefined ? 20 : Number(limit);
  if (!Number.isInteger(p) || p < 1 || p > 1_000_000) throw new KsPayError('pageShouldBePositive');
  if (!Number.isInteger(l) || l < 1) throw new KsPayError('limitShouldBePositive');
  return { page: p, limit: Math.min(l, TRANSACTION_PAGE_MAX) };
}
