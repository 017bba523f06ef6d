import { CompiledQuery } from 'kysely';
import type { Db } from '../db';
import type { WebhookDeliveriesTable, WebhookEndpointsTable, EventsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import { deliverySql } from './delivery-sql';

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

type ClaimedRow = Pick<
  WebhookDeliveriesTable,
  'id' | 'app_id' | 'event_id' | 'endpoint_id' | 'series_started_at'
> & { attempt: number } & Pick<
    WebhookEndpointsTable,
    'url' | 'secret_enc' | 'previous_secret_enc' | 'previous_expires_at'
  > &
  Pick<EventsTable, 'type' | 'payload' | 'created_at'>;

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
  const text = deliverySql(dialect);

  return {
    async claim(workerId: string, limit: number): Promise<ClaimedAttempt[]> {
      const at = clock.now();
      const now = at.toISOString();
      const until = new Date(at.getTime() + CLAIM_LEASE_MS).toISOString();
      const claimed = await db.executeQuery<{ id: string }>(
        CompiledQuery.raw(text.claim(), [workerId, until, now, now, limit])
      );
      const ids = claimed.rows.map((r) => r.id);
      if (ids.length === 0) return [];
      const { rows } = await db.executeQuery<ClaimedRow>(
        CompiledQuery.raw(text.claimed(ids.length), ids)
      );
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
