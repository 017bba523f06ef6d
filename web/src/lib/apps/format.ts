/**
 * Small display helpers for app pages. Deliberately free of the country tables: the dashboard
 * names a country through `Intl.DisplayNames` (built into the browser) instead of loading the
 * ISO 3166 data that only the form and the overview need.
 */
let regions: Intl.DisplayNames | null | undefined;

/** "India" for `IN`; the code itself when the browser has no name for it. */
export function regionName(code: string): string {
  if (regions === undefined) {
    try {
      regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    } catch {
      regions = null;
    }
  }
  try {
    return regions?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "just now", "2 min ago", "3 h ago", "yesterday", or a date for anything older. */
export function timeAgo(iso: string, now = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  if (hours < 48) return 'yesterday';
  return `on ${formatDate(iso)}`;
}

function formatDate(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "8 Oct 2026, 01:23" in `timeZone` (the account's; the browser's when undefined). */
export function formatDateTime(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
}
