import { ksPayErrors, MAX_RANGE_DAYS } from './payments';
import { dayInstants, localDay } from './time-zone';

/**
 * KS Pay's date-range rules for transaction listings, shared by the `/v1` API, the merchant
 * history API (`/api/apps/:appId/transactions`) and the web date picker, so all three refuse
 * exactly the same ranges. Days are UTC calendar days (`YYYY-MM-DD`), both ends inclusive.
 *
 * Checked in this order; the first broken rule is the answer:
 *   11010 both or neither            11011 `to` not after today
 *   11007 `from` not after `to`      11006 at most 90 days from `from` to `to`
 *   11009 `from` not after today     11008 `from` not before the app's creation day
 */
export const dateRangeRules = [
  'startAndEndDateRequired',
  'dateRangeError',
  'startDateAfterToday',
  'endDateAfterToday',
  'datesExceedError',
  'startDateBeforeAppCreation'
] as const;
export type DateRangeRule = (typeof dateRangeRules)[number];

export interface DateRangeViolation {
  rule: DateRangeRule;
  /** KS Pay's numeric code, 11006–11011. */
  ksCode: number;
  /** KS Pay's message for the rule (the `/v1` API answers with it). */
  message: string;
  /** The same rule in plain words that say the fix, for the merchant console and picker. */
  hint: string;
  /** The end of the range a picker should mark. */
  field: 'from' | 'to';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC calendar day of an instant: `2026-01-31`. */
export function utcDay(at: Date | string): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

/** `day` moved by `n` days (negative: earlier). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS));
}

/** Whole days from `from` to `to` (0 for the same day). */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS
  );
}

/** What a person reads when a range breaks a rule: what to change, not which rule. */
export const dateRangeHints: Record<DateRangeRule, string> = {
  startAndEndDateRequired: 'Pick both a start and an end date, or neither',
  dateRangeError: 'The start date must be before the end date',
  startDateAfterToday: 'Pick a start date no later than today',
  endDateAfterToday: 'Pick an end date no later than today',
  datesExceedError: `Pick at most ${MAX_RANGE_DAYS} days`,
  startDateBeforeAppCreation: 'Pick a start date on or after the day this app was created'
};

function violation(rule: DateRangeRule, field: 'from' | 'to'): DateRangeViolation {
  const { code, message } = ksPayErrors[rule];
  return { rule, ksCode: code, message, hint: dateRangeHints[rule], field };
}

/**
 * The first rule `{from, to}` breaks, or null when the range is acceptable (including no range
 * at all). `appCreatedAt` is the app's creation instant; `now` decides what "today" is.
 */
export function checkDateRange(
  range: { from?: string | undefined; to?: string | undefined },
  ctx: { appCreatedAt: string; now: Date; timeZone?: string }
): DateRangeViolation | null {
  const dayOf = (at: Date | string) => (ctx.timeZone ? localDay(at, ctx.timeZone) : utcDay(at));
  const { from, to } = range;
  if (from === undefined && to === undefined) return null;
  if (from === undefined) return violation('startAndEndDateRequired', 'from');
  if (to === undefined) return violation('startAndEndDateRequired', 'to');
  const today = dayOf(ctx.now);
  if (from > to) return violation('dateRangeError', 'from');
  if (from > today) return violation('startDateAfterToday', 'from');
  if (to > today) return violation('endDateAfterToday', 'to');
  if (daysBetween(from, to) > MAX_RANGE_DAYS) return violation('datesExceedError', 'to');
  if (from < dayOf(ctx.appCreatedAt)) return violation('startDateBeforeAppCreation', 'from');
  return null;
}

/**
 * What a picker may offer: days from the app's creation day to today, and a span of at most
 * `maxDays` days between the two ends (`to <= addDays(from, maxDays)`).
 */
export function dateRangeBounds(appCreatedAt: string, now: Date, timeZone = 'UTC') {
  return {
    min: localDay(appCreatedAt, timeZone),
    max: localDay(now, timeZone),
    maxDays: MAX_RANGE_DAYS
  };
}

/**
 * The instants a valid range covers: from the start of `from` to the start of the day after
 * `to`, days being calendar days in `timeZone` (UTC when not given).
 */
export function rangeInstants(
  from: string,
  to: string,
  timeZone = 'UTC'
): { from: string; to: string } {
  return {
    from: new Date(dayInstants(from, timeZone).start).toISOString(),
    to: new Date(dayInstants(to, timeZone).end).toISOString()
  };
}
