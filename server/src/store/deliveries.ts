import type { Db } from '../db';
import type { Clock } from '../lib/clock';

/** Retries stop this long after the first attempt of a series; an endpoint failing this long is disabled. */
export const RETRY_HORIZON_MS = 3 * 24 * 60 * 60 * 1000;
/** A claim outlives the 10 s delivery timeout with room to record the result. */
export const CLAIM_LEASE_MS = 60_000;

/** What the worker needs to make one attempt. */
export interface ClaimedAttempt {
  id: string;
  appId: string;
  eventId: string;
  endpointId: string;
  attempt: number;
  seriesStartedAt: string;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousExpiresAt: string | null;
  type: string;
  payload: string;
  eventCreatedAt: string;
}

export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/**
 * The delivery worker's side of `webhook_deliveries`. A claim is a lease (`claimed_by`,
 * `claimed_until`): on PostgreSQL rows are picked with `FOR UPDATE SKIP LOCKED`, so processes
 * claiming at once take disjoint rows; SQLite has one writer. A result is recorded only by the
 * lease holder, and a failure queues the next attempt in the same transaction, so no attempt
 * is lost between them. A crashed worker's lease runs out and the attempt is claimed again.
 */
export function deliveryStore(database: Db, clock: Clock) {
  const { db, dialect } = database;

  return {
    async claim(workerId: string, limit: number): Promise<ClaimedAttempt[]> {
      const at = clock.now();
      const now = at.toISOString();
      const until = new Date(at.getTime() + CLAIM_LEASE_MS).toISOString();
      // One statement: on PostgreSQL the inner select locks the rows it picks and skips rows
      // another claim holds locked, so concurrent claims take disjoint rows.
      const due = db
        .selectFrom('webhook_deliveries as d')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', now)]))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('webhook_endpoints as e')
              .select('e.id')
              .whereRef('e.id', '=', 'd.endpoint_id')
              .where('e.status', '=', 'active')
          )
        )
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set({ claimed_by: workerId, claimed_until: until })
        .where('id', 'in', due)
        .returning('id')
        .execute();
      const ids = claimed.map((r) => r.id);
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .innerJoin('events as v', 'v.id', 'd.event_id')
        .select([
          'd.id',
          'd.app_id',
          'd.event_id',
          'd.endpoint_id',
          'd.attempt',
          'd.series_started_at',
          'e.url',
          'e.secret_enc',
          'e.previous_secret_enc',
          'e.previous_expires_at',
          'v.type',
          'v.payload',
          'v.created_at'
        ])
        .where('d.id', 'in', ids)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        appId: r.app_id,
        eventId: r.event_id,
        endpointId: r.endpoint_id,
        attempt: Number(r.attempt),
        seriesStartedAt: r.series_started_at,
        url: r.url,
        secretEnc: r.secret_enc,
        previousSecretEnc: r.previous_secret_enc,
        previousExpiresAt: r.previous_expires_at,
        type: r.type,
        payload: r.payload,
        eventCreatedAt: r.created_at
      }));
    },

    /** Ends this worker's leases at shutdown, so another process need not wait them out. */
    async release(workerId: string): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ claimed_by: null, claimed_until: null })
        .where('claimed_by', '=', workerId)
        .where('status', '=', 'pending')
        .execute();
    }
  };
}
