import { EVENT_RETENTION_MS, TEST_EVENT_TYPE, type EventType, type KsEvent } from '@kspay/shared';
import { newId } from '@kspay/shared/ids';
import type { Kysely } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';

/**
 * The outbox. `recordEvent` takes the caller's transaction: an event commits with the change
 * that causes it or not at all. It also queues a first delivery attempt for every active
 * endpoint of the app that listens to the type, so the worker only ever reads deliveries.
 */
export async function recordEvent(
  trx: Kysely<Database>,
  clock: Clock,
  event: { appId: string; type: EventType | typeof TEST_EVENT_TYPE; data: object },
  /** Only this endpoint (the "Send test event" button); otherwise every subscribed one. */
  onlyEndpointId?: string
): Promise<string> {
  const id = newId('ev');
  // Stamped inside the transaction: on SQLite's one connection, stamps follow commit order.
  const now = clock.now().toISOString();
  await trx
    .insertInto('events')
    .values({
      id,
      app_id: event.appId,
      type: event.type,
      payload: JSON.stringify(event.data),
      created_at: now
    })
    .execute();
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('app_id', '=', event.appId)
    .where('status', '=', 'active')
    .$if(onlyEndpointId === undefined, (q) =>
      q.where('event_types', 'like', `%${JSON.stringify(event.type)}%`)
    )
    .$if(onlyEndpointId !== undefined, (q) => q.where('id', '=', onlyEndpointId ?? ''))
    .execute();
  if (endpoints.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(endpoints.map((e) => firstAttempt(event.appId, id, e.id, now)))
      .execute();
  }
  return id;
}

/** The first attempt of a series (an event's, or a "Resend"), due now. */
export function firstAttempt(appId: string, eventId: string, endpointId: string, now: string) {
  return {
    id: newId('wd'),
    app_id: appId,
    event_id: eventId,
    endpoint_id: endpointId,
    attempt: 1,
    status: 'pending' as const,
    next_attempt_at: now,
    series_started_at: now,
    created_at: now
  };
}

export function toEvent(r: { id: string; type: string; payload: string; created_at: string }) {
  return {
    id: r.id,
    type: r.type,
    createdAt: r.created_at,
    data: JSON.parse(r.payload) as Record<string, unknown>
  } satisfies KsEvent;
}

/**
 * On PostgreSQL two transactions may commit in the opposite order of their stamps: the feed
 * serves an event only once it is this old, so a page can never move past an event that has
 * yet to commit with an earlier stamp. SQLite commits one transaction at a time, in stamp order.
 */
export const FEED_SETTLE_MS = 5_000;

export function eventStore(database: Db, clock: Clock) {
  const { db, dialect } = database;
  return {
    /**
     * The app's events after `after` in (created_at, id) order: ties on the same millisecond
     * are broken by id, so consecutive pages neither repeat nor skip an event. `null` when
     * `after` names no event of this app (pruned, or someone else's).
     */
    async feed(appId: string, after: string | undefined, limit: number) {
      let from: { at: string; id: string } | null = null;
      if (after !== undefined) {
        const row = await db
          .selectFrom('events')
          .select('created_at')
          .where('app_id', '=', appId)
          .where('id', '=', after)
          .executeTakeFirst();
        if (!row) return null;
        from = { at: row.created_at, id: after };
      }
      const settled =
        dialect === 'postgres'
          ? new Date(clock.now().getTime() - FEED_SETTLE_MS).toISOString()
          : null;
      const rows = await db
        .selectFrom('events')
        .select(['id', 'type', 'payload', 'created_at'])
        .where('app_id', '=', appId)
        .where('type', '!=', TEST_EVENT_TYPE)
        .$if(from !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb('created_at', '>', from?.at ?? ''),
              eb.and([eb('created_at', '=', from?.at ?? ''), eb('id', '>', from?.id ?? '')])
            ])
          )
        )
        .$if(settled !== null, (q) => q.where('created_at', '<=', settled ?? ''))
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
    },

    /** Drops events older than 30 days (their delivery attempts go with them). */
    async prune(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - EVENT_RETENTION_MS).toISOString();
      return db.transaction().execute(async (trx) => {
        const old = trx.selectFrom('events').select('id').where('created_at', '<', cutoff);
        await trx.deleteFrom('webhook_deliveries').where('event_id', 'in', old).execute();
        const r = await trx
          .deleteFrom('events')
          .where('created_at', '<', cutoff)
          .executeTakeFirst();
        return Number(r.numDeletedRows);
      });
    }
  };
}
