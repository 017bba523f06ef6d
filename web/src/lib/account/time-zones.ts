import { currentZoneName, isTimeZone, localIso, timeZones } from '@kspay/shared/time-zone';

/** A picker entry (the shape `SearchSelect` lists). */
export interface ZoneItem {
  value: string;
  label: string;
}

/** The zone this browser runs in, when it is one the server accepts (else undefined). */
export function browserTimeZone(): string | undefined {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isTimeZone(zone) ? currentZoneName(zone) : undefined;
}

/** `Asia/Kolkata` → "Asia/Kolkata (UTC+05:30)", the offset as of `now`. */
function label(zone: string, now: Date): string {
  const offset = localIso(now, zone).slice(19);
  return `${zone.replaceAll('_', ' ')} (UTC${offset})`;
}

/** Every zone as a picker entry; `current` is listed even if this browser does not list it. */
export function timeZoneItems(current: string, now = new Date()): ZoneItem[] {
  const zones = timeZones();
  const all = zones.includes(current) ? zones : [current, ...zones];
  return all.map((zone) => ({ value: zone, label: label(zone, now) }));
}

/** Entries whose name contains every typed word ("kolk", "new york", "+05:30"). */
export function searchTimeZones(items: ZoneItem[], query: string): ZoneItem[] {
  const words = query.toLowerCase().replaceAll('_', ' ').split(/\s+/).filter(Boolean);
  return items.filter((i) => {
    const text = i.label.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
