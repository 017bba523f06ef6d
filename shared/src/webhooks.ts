import { z } from 'zod';
import { eventIdSchema, webhookEndpointIdSchema } from './ids';

/**
 * Webhooks and the events feed (issue 17). Every event a merchant's server may care about is
 * recorded with its cause; the same events are posted to endpoints (Standard Webhooks
 * signatures) and served by `GET /v1/events`.
 */

export { eventIdSchema, webhookEndpointIdSchema } from './ids';

export const EVENT_TYPES = [
  'transaction.created',
  'transaction.succeeded',
  'transaction.failed',
  'transaction.pending',
  'key.regenerated',
  'key.disabled',
  'app.disabled'
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

/** "Send test event" posts this type to one endpoint; it is not part of the feed. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Events are kept (and served by `/v1/events`) this long. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** After a rotation the previous secret also signs for this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** Response bodies are kept up to this many bytes per attempt. */
export const RESPONSE_EXCERPT_BYTES = 2048;

/** C0 and C1 controls and DEL: a URL parser drops or re-encodes them silently. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An endpoint URL, normalised (WHATWG `href`). http is accepted here; the server refuses it
 * unless `WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1`. User names and passwords in the URL are refused:
 * they would be shown back in the list, and secrets belong in the signature.
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048, 'At most 2048 characters')
  .refine((u) => !CONTROL.test(u), 'The URL has characters that cannot be sent')
  .pipe(
    z.url({
      protocol: /^https?$/,
      normalize: true,
      message: 'Enter a full https:// URL, e.g. https://example.com/webhooks'
    })
  )
  .refine((u) => !/^https?:\/\/[^/?#]*@/.test(u), 'No user name or password in the URL, please');

const eventTypesSchema = z
  .array(eventTypeSchema)
  .min(1, 'Choose at least one event')
  .max(EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);

export const webhookCreateInput = z.object({ url: webhookUrlSchema, events: eventTypesSchema });
export type WebhookCreateInput = z.infer<typeof webhookCreateInput>;
export const webhookUpdateInput = z
  .object({ url: webhookUrlSchema.optional(), events: eventTypesSchema.optional() })
  .refine((v) => v.url !== undefined || v.events !== undefined, 'Nothing to change');

export const webhookEndpointSchema = z.object({
  id: webhookEndpointIdSchema,
  url: z.string(),
  events: z.array(eventTypeSchema),
  status: z.enum(['active', 'disabled']),
  failingSince: z.string().nullable(),
  /** Until when the secret before the last rotation still signs, or null. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string()
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const webhookListResponseSchema = z.object({ endpoints: z.array(webhookEndpointSchema) });
export const webhookResponseSchema = z.object({ endpoint: webhookEndpointSchema });
/** Add and rotate: the signing secret (`whsec_…`), answered this once only. */
export const webhookSecretResponseSchema = z.object({
  endpoint: webhookEndpointSchema,
  secret: z.string()
});

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
export const webhookDeliverySchema = z.object({
  id: z.string(),
  eventId: eventIdSchema,
  eventType: z.string(),
  attempt: z.number().int(),
  status: deliveryStatusSchema,
  /** When the attempt was made; null while pending. */
  attemptedAt: z.string().nullable(),
  nextAttemptAt: z.string(),
  responseStatus: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable()
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export const deliveryListQuery = z.object({
  /** Opaque cursor from the previous page's `next`. */
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25)
});
export const deliveryListResponseSchema = z.object({
  deliveries: z.array(webhookDeliverySchema),
  next: z.string().nullable()
});
export const resendInput = z.object({ eventId: eventIdSchema });

/** An event as posted to endpoints and served by `/v1/events`. */
export const eventSchema = z.object({
  id: eventIdSchema,
  type: z.string(),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown())
});
export type KsEvent = z.infer<typeof eventSchema>;
export const eventFeedQuery = z.object({
  after: eventIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50)
});
export const eventFeedResultSchema = z.object({
  events: z.array(eventSchema),
  hasMore: z.boolean()
});
