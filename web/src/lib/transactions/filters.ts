import {
  checkDateRange,
  historyFilterSchema,
  transactionSearchSchema,
  type HistoryFilter,
  type TransactionStatus
} from '@kspay/shared';

/**
 * The Transactions page's filter as the form holds it (raw strings, '' for "not given") and as
 * the URL carries it (`?q=&status=&from=&to=`), so a filtered view survives a reload and can be shared.
 * The same values name its offline copy and its CSV download.
 */
export interface FilterValues {
  q: string;
  /** One of `transactionStatuses`, or '' for all. */
  status: string;
  from: string;
  to: string;
}

/** The status filter's choices, in the order a person scans them; '' is "All". */
const ORDER: readonly TransactionStatus[] = ['success', 'failed', 'pending', 'initiated'];
export const STATUS_CHOICES: { value: string; label: string }[] = [
  { value: '', label: 'All' },
  ...ORDER.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) }))
];

export type FilterErrors = Partial<Record<keyof FilterValues, string>>;

export const NO_FILTER: FilterValues = { q: '', status: '', from: '', to: '' };

export function filterFromUrl(params: URLSearchParams): FilterValues {
  return {
    q: params.get('q')?.trim() ?? '',
    status: params.get('status') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? ''
  };
}

/** Only the given values, always in the same order: one view, one query string. */
export function filterParams(f: FilterValues, cursor: string | null = null): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status) p.set('status', f.status);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (cursor) p.set('cursor', cursor);
  return p;
}

export function isFiltered(f: FilterValues): boolean {
  return f.q !== '' || f.status !== '' || f.from !== '' || f.to !== '';
}

/** `transactions:<appId>:<query>`: one offline copy per filter and page. */
export function historySnapshotKey(appId: string, f: FilterValues, cursor: string | null): string {
  return `transactions:${appId}:${filterParams(f, cursor).toString()}`;
}

/** The CSV of every transaction matching the filter (streamed by the server, cookie session). */
export function csvHref(appId: string, f: FilterValues): string {
  const query = filterParams(f).toString();
  return `/api/apps/${encodeURIComponent(appId)}/transactions.csv${query ? `?${query}` : ''}`;
}

/**
 * What is wrong with a filter before asking the server: the search's shape, and KS Pay's date
 * range rules through the very function the API applies (`checkDateRange`), so the picker
 * refuses exactly what the server would, with the same message on the end to fix.
 */
export function checkFilter(
  f: FilterValues,
  ctx: { appCreatedAt: string; now: Date; timeZone?: string }
): { errors: FilterErrors; filter: HistoryFilter | null } {
  const errors: FilterErrors = {};
  const q = transactionSearchSchema.safeParse(f.q);
  if (f.q && !q.success) errors.q = q.error.issues[0]?.message ?? 'Check the transaction id';
  const parsed = historyFilterSchema.safeParse(f);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === 'from' || field === 'to' || field === 'status') && !errors[field]) {
        errors[field] = issue.message;
      }
    }
  } else {
    const broken = checkDateRange(parsed.data, ctx);
    if (broken) errors[broken.field] = broken.hint;
  }
  const ok = Object.keys(errors).length === 0 && parsed.success;
  return { errors, filter: ok ? parsed.data : null };
}
