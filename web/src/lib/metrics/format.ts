/**
 * How figures read on the overview and the history: pure, so they are unit-tested. Amounts stay
 * decimal strings from the server (exact); `Intl.NumberFormat` formats a numeric string without
 * going through a float.
 */

const counts = new Intl.NumberFormat();

export function formatCount(n: number): string {
  return counts.format(n);
}

const money = new Map<string, Intl.NumberFormat>();

/** "₹1,23,450.50" or "₹123,450.50" (the merchant's locale) for ("123450.50", "INR"); the code in front when the browser lacks it. */
export function formatMoney(amount: string, currency: string): string {
  let f = money.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${currency} ${amount}`;
    }
    money.set(currency, f);
  }
  return f.format(amount as Intl.StringNumericLiteral);
}

/** A compact amount for chart axes: "₹1.2L", "$12K". */
export function formatMoneyShort(major: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1
    }).format(major);
  } catch {
    return `${currency} ${major}`;
  }
}

/** 0.8234 → "82.3%". */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

type Trend = 'up' | 'down' | 'flat';

export interface Change {
  trend: Trend;
  /** What the eye reads: "12.5%" (the arrow is drawn apart), or "new". */
  text: string;
  /** What a screen reader hears: "up 12.5%". */
  spoken: string;
}

/**
 * A figure against the same figure of the previous period. Nothing to compare with (previous
 * 0) is "new" when there is something now, and no change when both are 0.
 */
export function relativeChangeOf(current: number, previous: number): Change {
  if (previous === 0) {
    return current === 0
      ? { trend: 'flat', text: '0%', spoken: 'no change' }
      : { trend: 'up', text: 'new', spoken: 'new this period' };
  }
  const pct = ((current - previous) / previous) * 100;
  const text = `${Math.abs(pct) < 10 ? Math.abs(pct).toFixed(1) : Math.round(Math.abs(pct))}%`;
  if (text === '0.0%') return { trend: 'flat', text: '0%', spoken: 'no change' };
  const trend = pct > 0 ? 'up' : 'down';
  return { trend, text, spoken: `${trend} ${text}` };
}

/** A rate against the previous one, in percentage points (a relative change of a rate misleads). */
export function pointChangeOf(current: number | null, previous: number | null): Change | null {
  if (current === null || previous === null) return null;
  const pts = (current - previous) * 100;
  const text = `${Math.abs(pts).toFixed(1)} pts`;
  if (text === '0.0 pts') return { trend: 'flat', text: '0 pts', spoken: 'no change' };
  const trend = pts > 0 ? 'up' : 'down';
  return { trend, text, spoken: `${trend} ${text.replace('pts', 'points')}` };
}

const yearIn = (at: Date, timeZone: string | undefined) =>
  new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(at);

/**
 * "2 Dec, 10:41" (with the year when it is not this year's) in `timeZone` (the account's; the
 * browser's when undefined): when a snapshot was taken, when a transaction happened.
 */
export function formatAsOf(iso: string, now = new Date(), timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(yearIn(at, timeZone) === yearIn(now, timeZone) ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    timeZone
  });
}

/** A calendar day (`2026-01-31`) as "31 Jan" — the date as written, in no zone. */
export function formatDay(day: string, withYear = false): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime())) return day;
  return at.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC'
  });
}

/**
 * A transaction's time in the merchant's own time zone, short enough for a table column:
 * "2 Dec, 10:41" this year, "2 Dec 2025, 10:41" before. `formatInstantFull` adds seconds and
 * the zone's offset ("2 December 2026 at 10:41:07 GMT+5:45").
 */
export function formatInstant(iso: string, timeZone: string, now = new Date()): string {
  return formatAsOf(iso, now, timeZone);
}

export function formatInstantFull(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
    timeZoneName: 'shortOffset'
  });
}
