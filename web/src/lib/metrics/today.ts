import type { Overview } from '@kspay/shared';
import { relativeChangeOf, formatCount, type Change } from './format';

/**
 * "Today so far" against yesterday up to the same time of day (the server's
 * `yesterdaySoFar`, to the end of that quarter hour), never against the whole of yesterday:
 * at 10:00 a full yesterday would always look like a drop.
 */
export function todaySoFar(o: Overview): { zone: string; change: Change | null; against: string } {
  // A copy stored offline by an earlier version has neither field.
  const stored: Partial<Overview> = o;
  const zone = zoneName(o);
  const yesterday = stored.yesterdaySoFar;
  if (!yesterday) return { zone, change: null, against: '' };
  // The time of day of the figures (their `asOf`), in the account's zone, on the 24-hour clock
  // the history's times use.
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: stored.timeZone ?? 'UTC'
  }).format(new Date(o.asOf));
  return {
    zone,
    change: relativeChangeOf(o.today.count, yesterday.count),
    against: `vs ${formatCount(yesterday.count)} yesterday by ${time}`
  };
}

/** The zone the overview's days are in, as people write it: "Asia/Kolkata", "America/New York". */
export function zoneName(o: Overview): string {
  const stored: Partial<Overview> = o;
  return (stored.timeZone ?? 'UTC').replaceAll('_', ' ');
}
