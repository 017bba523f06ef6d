import { CompiledQuery, type Transaction } from 'kysely';
import { newId } from '@kspay/shared/ids';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import { RETRY_HORIZON_MS, type AttemptOutcome, type ClaimedAttempt } from './deliveries';
import { deliverySql } from './delivery-sql';

/** One finished attempt, with the wait before its retry should it have failed. */
export interface AttemptResult {
  attempt: ClaimedAttempt;
  outcome: AttemptOutcome;
  retryInMs: number;
}

export interface RecordedResults {
  /** Attempts whose lease was no longer this worker's: their result was dropped. */
  lost: string[];
  /** Attempts that disabled their endpoint (failing for 3 days): one per endpoint. */
  disabled: ClaimedAttempt[];
}

/**
 * Records many attempts made under `workerId`'s leases in one transaction: one statement
 * writes every result (only rows still pending and still leased to this worker), then the
 * failed ones queue their retries in one insert. An attempt is never half-recorded: its result
 * and its retry commit together, or neither does and its lease runs out and it is made again.
 */
export function deliveryResults(database: Db, clock: Clock) {
  const { db } = database;
  const text = deliverySql(database.dialect);

  return async function recordMany(
    workerId: string,
    results: readonly AttemptResult[]
  ): Promise<RecordedResults> {
    if (results.length === 0) return { lost: [], disabled: [] };
    const at = clock.now();
    const now = at.toISOString();
    return db.transaction().execute(async (trx) => {
      const ours = await writeResults(trx, text, workerId, now, results);
      const kept = results.filter((r) => ours.has(r.attempt.id));
      const lost = results.filter((r) => !ours.has(r.attempt.id)).map((r) => r.attempt.id);
      await markEndpointHealth(trx, now, kept);
      const failed = kept.filter((r) => !r.outcome.ok);
      const horizon = (r: AttemptResult) =>
        Date.parse(r.attempt.seriesStartedAt) + RETRY_HORIZON_MS;
      const retries = failed.filter((r) => at.getTime() + r.retryInMs <= horizon(r));
      if (retries.length > 0) {
        await trx
          .insertInto('webhook_deliveries')
          .values(
            retries.map(({ attempt: a, retryInMs }) => ({
              id: newId('wd'),
              app_id: a.appId,
              event_id: a.eventId,
              endpoint_id: a.endpointId,
              attempt: a.attempt + 1,
              status: 'pending' as const,
              next_attempt_at: new Date(at.getTime() + retryInMs).toISOString(),
              series_started_at: a.seriesStartedAt,
              created_at: now
            }))
          )
          .execute();
      }
      const disabled: ClaimedAttempt[] = [];
      for (const { attempt: a } of failed.filter((r) => !retries.includes(r))) {
        const r = await trx
          .updateTable('webhook_endpoints')
          .set({ status: 'disabled', updated_at: now })
          .where('id', '=', a.endpointId)
          .where('status', '=', 'active')
          // Failing since the series began: every attempt for 3 days has failed.
          .where('failing_since', '<=', a.seriesStartedAt)
          .executeTakeFirst();
        if (r.numUpdatedRows > 0n) disabled.push(a);
      }
      return { lost, disabled };
    });
  };
}

/** Writes every result in one statement; answers the ids that were still this worker's. */
async function writeResults(
  trx: Transaction<Database>,
  text: ReturnType<typeof deliverySql>,
  workerId: string,
  now: string,
  results: readonly AttemptResult[]
): Promise<Set<string>> {
  const params: unknown[] = [now];
  for (const { attempt, outcome: o } of results) {
    params.push(
      attempt.id,
      o.ok ? 'succeeded' : 'failed',
      o.status,
      o.latencyMs,
      o.excerpt,
      o.error
    );
  }
  params.push(workerId);
  const updated = await trx.executeQuery<{ id: string }>(
    CompiledQuery.raw(text.results(results.length), params)
  );
  return new Set(updated.rows.map((r) => r.id));
}

/**
 * An endpoint's last result in the batch decides it: a success clears `failing_since`, a
 * failure starts it if it was not already failing.
 */
async function markEndpointHealth(
  trx: Transaction<Database>,
  now: string,
  results: readonly AttemptResult[]
): Promise<void> {
  const last = new Map<string, boolean>();
  for (const r of results) last.set(r.attempt.endpointId, r.outcome.ok);
  const healthy = [...last].filter(([, ok]) => ok).map(([id]) => id);
  const failing = [...last].filter(([, ok]) => !ok).map(([id]) => id);
  if (healthy.length > 0) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: null })
      .where('id', 'in', healthy)
      .where('failing_since', 'is not', null)
      .execute();
  }
  if (failing.length > 0) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: now })
      .where('id', 'in', failing)
      .where('failing_since', 'is', null)
      .execute();
  }
}
