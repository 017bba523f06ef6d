import type { HistoryRow } from '@kspay/shared';

export interface TimelineStep {
  label: string;
  /** ISO instant, or null for a step still to come. */
  at: string | null;
}

/**
 * A transaction's status history from what is stored: it is created `initiated` at
 * `createdAt`, and the one status change a transaction has (process → success, failed or
 * pending; `settle` in the transaction store) is the only write after that and sets
 * `updatedAt`, so `updatedAt` is when it was processed. Still initiated: processing is to come.
 */
export function statusTimeline(r: HistoryRow): TimelineStep[] {
  const initiated = { label: 'Initiated', at: r.createdAt };
  if (r.status === 'initiated') return [initiated, { label: 'Not processed yet', at: null }];
  const outcome = r.status.charAt(0).toUpperCase() + r.status.slice(1);
  return [initiated, { label: `Processed: ${outcome}`, at: r.updatedAt }];
}
