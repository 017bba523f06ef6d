import { z } from 'zod';

/**
 * The merchant's own time zone: every day boundary the console shows (today, the overview's
 * chart, the history's date filter and its 90-day rule, the CSV's times) is a calendar day in
 * the account's IANA zone. All arithmetic goes through `Intl.DateTimeFormat`, so it follows
 * the runtime's tz database, +05:30 and +05:45 offsets and 23- or 25-hour DST days included.
 *
 * Every offset in use is a whole number of quarter hours and every transition happens on a
 * quarter hour (UTC), so 15-minute buckets keyed by their UTC start never straddle a local
 * day boundary: that is what lets the rollups answer any zone exactly.
 */

export const UTC = 'UTC';
export const QUARTER_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Current names of zones some runtimes still list under an old name (ICU's canonical ids):
 * a merchant looks for "Kolkata", not "Calcutta".
 */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe'
};

function accepted(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let list: string[] | undefined;

/** Every zone a merchant may pick: the runtime's IANA names (current spelling) and `UTC`. */
export function timeZones(): string[] {
  if (!list) {
    const names = new Set<string>([UTC]);
    for (const name of Intl.supportedValuesOf('timeZone')) names.add(currentZoneName(name));
    list = [...names].sort();
  }
  return list;
}

/** `Area/Location` as the tz database spells it (case included); offsets like +05:30 are not. */
const IANA_SHAPE = /^[A-Z][A-Za-z_-]*(\/[A-Z][A-Za-z0-9_+-]*)+$/;

let known: Set<string> | undefined;

/**
 * A name the picker lists, or another IANA name this runtime's tz database knows (a browser's
 * own zone may be spelt differently from the server's list, e.g. an alias).
 */
export function isTimeZone(name: string): boolean {
  known ??= new Set(timeZones());
  return known.has(name) || (IANA_SHAPE.test(name) && accepted(name));
}

/** `Asia/Calcutta` → `Asia/Kolkata`: the name the picker lists for a renamed zone. */
export function currentZoneName(name: string): string {
  const current = RENAMED[name];
  return current && accepted(current) ? current : name;
}

/** An IANA zone, stored under its current name (`Asia/Calcutta` is kept as `Asia/Kolkata`). */
export const timeZoneSchema = z
  .string({ error: 'Pick a time zone' })
  .refine(isTimeZone, 'Pick a time zone from the list, e.g. Asia/Kolkata')
  .transform(currentZoneName);

const ms = (at: Date | string | number): number =>
  typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();

/** The wall clock of `at` in `timeZone`, as if it were UTC (milliseconds, whole seconds). */
function wallClock(at: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour, p.minute, p.second);
}

/** The zone's offset from UTC at `at`, in minutes (+330 for Asia/Kolkata). */
export function offsetMinutes(at: Date | string | number, timeZone: string): number {
  const t = ms(at);
  const whole = Math.floor(t / 1000) * 1000;
  return Math.round((wallClock(whole, timeZone) - whole) / 60000);
}

/** The calendar day of `at` in `timeZone`: `2026-11-22`. */
export function localDay(at: Date | string | number, timeZone: string): string {
  return new Date(wallClock(ms(at), timeZone)).toISOString().slice(0, 10);
}

/**
 * The first instant (epoch ms) of `day` in `timeZone`. Usually local midnight; where a DST
 * change skips midnight, the first instant that is on `day` at all.
 */
export function dayStart(day: string, timeZone: string): number {
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  let t = midnight - offsetMinutes(midnight, timeZone) * 60000;
  t = midnight - offsetMinutes(t, timeZone) * 60000;
  // Transitions fall on quarter hours: stepping by one finds the exact start either way.
  while (localDay(t, timeZone) < day) t += QUARTER_MS;
  while (localDay(t - QUARTER_MS, timeZone) === day) t -= QUARTER_MS;
  return t;
}

/** The instants of `day` in `timeZone`: `[start, end)` in epoch ms (23, 24 or 25 hours). */
export function dayInstants(day: string, timeZone: string): { start: number; end: number } {
  const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
  return { start: dayStart(day, timeZone), end: dayStart(next, timeZone) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `at` as ISO 8601 with the zone's offset, to the second: `2026-11-22T09:53:00+05:30`. */
export function localIso(at: Date | string | number, timeZone: string): string {
  const t = ms(at);
  const offset = offsetMinutes(t, timeZone);
  const wall = new Date(wallClock(t, timeZone)).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant whose wall clock in `timeZone` is `wall` (a UTC-style epoch ms of the local
 * time). As Temporal's "compatible": a wall time a DST gap skips is moved forward by the gap;
 * one a DST overlap repeats maps to its first occurrence.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
  const before = wall - offsetMinutes(wall - DAY_MS / 2, timeZone) * 60000;
  const after = wall - offsetMinutes(wall + DAY_MS / 2, timeZone) * 60000;
  const hits = [before, after].filter((t) => wallClock(t, timeZone) === wall);
  if (hits.length > 0) return Math.min(...hits);
  return Math.max(before, after);
}

/** Spans of `[start, end)` over which the zone's offset does not change, in order. */
export function offsetSpans(
  start: number,
  end: number,
  timeZone: string
): { start: number; end: number; offsetMinutes: number }[] {
  const STEP = 6 * 60 * 60 * 1000;
  const spans: { start: number; end: number; offsetMinutes: number }[] = [];
  let spanStart = start;
  let offset = offsetMinutes(start, timeZone);
  for (let probe = start; probe < end;) {
    const next = Math.min(probe + STEP, end);
    const nextOffset = offsetMinutes(next - 1, timeZone);
    if (nextOffset !== offset) {
      // The change is at a quarter hour in (probe, next): bisect on quarter hours.
      // offset(probe - 1) is the span's offset (checked by the previous step, or start's).
      let lo = Math.floor((probe - 1) / QUARTER_MS);
      let hi = Math.ceil(next / QUARTER_MS);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(mid * QUARTER_MS, timeZone) === offset) lo = mid;
        else hi = mid;
      }
      const change = hi * QUARTER_MS;
      if (change > spanStart) spans.push({ start: spanStart, end: change, offsetMinutes: offset });
      spanStart = change;
      offset = offsetMinutes(change, timeZone);
      // Re-probe from the change: another may follow within the same step.
      probe = change;
      continue;
    }
    probe = next;
  }
  spans.push({ start: spanStart, end, offsetMinutes: offset });
  return spans;
}
