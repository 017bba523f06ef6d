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
  const zone = (stored.timeZone ?? 'UTC').replaceAll('_', ' ');
  const yesterday = stored.yesterdaySoFar;
  if (!yesterday) return { zone, change: null, against: '' };
  const time = new Intl.DateTimeFormat(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: stored.timeZone ?? 'UTC'
  }).format(new Date(yesterday.until));
  return {
    zone,
    change: relativeChangeOf(o.today.count, yesterday.count),
    against: `vs ${formatCount(yesterday.count)} yesterday by ${time}`
  };
}
