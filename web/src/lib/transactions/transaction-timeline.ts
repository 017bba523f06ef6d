import type { HistoryRow } from '@kspay/shared';

export interface TimelineStep {
  label: string;
  /** ISO instant of this step, or null when the data holds no time for it. */
  at: string | null;
  /** Said in place of a time when `at` is null: why there is none. */
  note: string | null;
}

const outcomeName = { success: 'Success', failed: 'Failed', pending: 'Pending' } as const;

/**
 * A transaction's status history, each step with its own time from what is stored: it is
 * created `initiated` at `createdAt`; its one status change (process → success, failed or
 * pending; `settle` in the transaction store, the only write after the insert) sets
 * `updatedAt`, so for a processed transaction `updatedAt` is when it was processed. Steps the
 * data has no time for say so: not processed yet, or (pending) no final outcome yet.
 */
export function statusTimeline(r: HistoryRow): TimelineStep[] {
  const initiated = { label: 'Initiated', at: r.createdAt, note: null };
  if (r.status === 'initiated') {
    return [initiated, { label: 'Processed', at: null, note: 'Not processed yet' }];
  }
  const processed = { label: `Processed: ${outcomeName[r.status]}`, at: r.updatedAt, note: null };
  if (r.status !== 'pending') return [initiated, processed];
  return [
    initiated,
    processed,
    { label: 'Final outcome', at: null, note: 'Not known yet: the payment is still pending' }
  ];
}
