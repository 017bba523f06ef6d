import {
  SECRET_OVERLAP_MS,
  TEST_EVENT_TYPE,
  type EventType,
  type WebhookDelivery,
  type WebhookEndpoint
} from '@kspay/shared';
import { newId } from '@kspay/shared/ids';
import type { Selectable } from 'kysely';
import type { Db } from '../db';
import type { WebhookEndpointsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { firstAttempt, recordEvent } from './events';

type EndpointRow = Selectable<WebhookEndpointsTable>;

function toEndpoint(r: EndpointRow, now: string): WebhookEndpoint {
  const overlap = r.previous_expires_at !== null && r.previous_expires_at > now;
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.event_types) as EventType[],
    status: r.status,
    failingSince: r.failing_since,
    previousSecretExpiresAt: overlap ? r.previous_expires_at : null,
    createdAt: r.created_at
  };
}

/** `before` is the opaque cursor `<next_attempt_at>|<id>` of the last attempt of a page. */
function parseCursor(before: string | undefined) {
  const [at, id] = (before ?? '').split('|');
  return at && id ? { at, id } : null;
}

const noEndpoint = () => new ApiError('not_found', 'There is no such webhook endpoint');

/**
 * An app's webhook endpoints and their delivery log. Secrets arrive sealed (the route seals
 * them with SECRETS_KEY, bound to the endpoint id) and never leave this store.
 */
export function webhookStore(database: Db, clock: Clock) {
  const { db } = database;
  const now = () => clock.now().toISOString();

  async function row(appId: string, id: string) {
    const r = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw noEndpoint();
    return r;
  }

  return {
    async list(appId: string): Promise<WebhookEndpoint[]> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const at = now();
      return rows.map((r) => toEndpoint(r, at));
    },

    async get(appId: string, id: string): Promise<WebhookEndpoint> {
      return toEndpoint(await row(appId, id), now());
    },

    async create(e: {
      id: string;
      appId: string;
      url: string;
      events: EventType[];
      secretEnc: string;
    }): Promise<WebhookEndpoint> {
      const at = now();
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          app_id: e.appId,
          url: e.url,
          event_types: JSON.stringify(e.events),
          secret_enc: e.secretEnc,
          previous_secret_enc: null,
          previous_expires_at: null,
          status: 'active',
          failing_since: null,
          created_at: at,
          updated_at: at
        })
        .execute();
      return this.get(e.appId, e.id);
    },

    /** Enabling a disabled endpoint forgets its failures: the 3-day clock starts again. */
    async update(
      appId: string,
      id: string,
      change: { url?: string | undefined; events?: EventType[] | undefined; enabled?: boolean }
    ): Promise<WebhookEndpoint> {
      const r = await db
        .updateTable('webhook_endpoints')
        .set({
          ...(change.url !== undefined && { url: change.url }),
          ...(change.events !== undefined && { event_types: JSON.stringify(change.events) }),
          ...(change.enabled === true && { status: 'active' as const, failing_since: null }),
          ...(change.enabled === false && { status: 'disabled' as const }),
          updated_at: now()
        })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw noEndpoint();
      return this.get(appId, id);
    },

    /** The current secret keeps signing beside the new one for 24 h. */
    async rotate(appId: string, id: string, secretEnc: string): Promise<WebhookEndpoint> {
      const old = await row(appId, id);
      const at = clock.now();
      await db
        .updateTable('webhook_endpoints')
        .set({
          secret_enc: secretEnc,
          previous_secret_enc: old.secret_enc,
          previous_expires_at: new Date(at.getTime() + SECRET_OVERLAP_MS).toISOString(),
          updated_at: at.toISOString()
        })
        .where('id', '=', id)
        .where('secret_enc', '=', old.secret_enc)
        .execute();
      return this.get(appId, id);
    },

    async remove(appId: string, id: string): Promise<void> {
      const r = await db
        .deleteFrom('webhook_endpoints')
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (r.numDeletedRows === 0n) throw noEndpoint();
    },

    /** "Send test event": an event of its own type, queued for this endpoint only. */
    async sendTest(appId: string, id: string): Promise<string> {
      const ep = await row(appId, id);
      if (ep.status !== 'active') throw new ApiError('conflict', 'Enable this endpoint first');
      return db
        .transaction()
        .execute((trx) =>
          recordEvent(
            trx,
            clock,
            { appId, type: TEST_EVENT_TYPE, data: { message: 'A test event from KS Pay' } },
            id
          )
        );
    },

    /** "Resend": a new series of attempts of an event of this app to this endpoint. */
    async resend(appId: string, id: string, eventId: string): Promise<void> {
      await row(appId, id);
      const event = await db
        .selectFrom('events')
        .select('id')
        .where('app_id', '=', appId)
        .where('id', '=', eventId)
        .executeTakeFirst();
      if (!event) throw new ApiError('not_found', 'There is no such event');
      await db
        .insertInto('webhook_deliveries')
        .values(firstAttempt(appId, eventId, id, now()))
        .execute();
    },

    /** Every attempt to this endpoint, latest (by when it was due) first. */
    async deliveries(
      appId: string,
      id: string,
      opts: { before?: string | undefined; limit: number }
    ): Promise<{ deliveries: WebhookDelivery[]; next: string | null }> {
      await row(appId, id);
      const cursor = parseCursor(opts.before);
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('events as e', 'e.id', 'd.event_id')
        .select([
          'd.id',
          'd.event_id',
          'e.type',
          'd.attempt',
          'd.status',
          'd.attempted_at',
          'd.next_attempt_at',
          'd.response_status',
          'd.latency_ms',
          'd.response_excerpt',
          'd.error'
        ])
        .where('d.endpoint_id', '=', id)
        .$if(cursor !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb('d.next_attempt_at', '<', cursor?.at ?? ''),
              eb.and([
                eb('d.next_attempt_at', '=', cursor?.at ?? ''),
                eb('d.id', '<', cursor?.id ?? '')
              ])
            ])
          )
        )
        .orderBy('d.next_attempt_at', 'desc')
        .orderBy('d.id', 'desc')
        .limit(opts.limit + 1)
        .execute();
      const page = rows.slice(0, opts.limit);
      const last = page.at(-1);
      return {
        deliveries: page.map((r) => ({
          id: r.id,
          eventId: r.event_id,
          eventType: r.type,
          attempt: Number(r.attempt),
          status: r.status,
          attemptedAt: r.attempted_at,
          nextAttemptAt: r.next_attempt_at,
          responseStatus: r.response_status === null ? null : Number(r.response_status),
          latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
          responseExcerpt: r.response_excerpt,
          error: r.error
        })),
        next: rows.length > opts.limit && last ? `${last.next_attempt_at}|${last.id}` : null
      };
    }
  };
}

export const newEndpointId = () => newId('we');
