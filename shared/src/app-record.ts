import { z } from 'zod';
import { appIdSchema, pushResponseSchema, rejectionSchema } from './sync';

/**
 * Registered apps as both sides see them (the browser's replica row, the pull and push
 * payloads) and the status change: everything about an app that does not need the form's
 * field rules. LIGHT (zod only): the dashboard, the sync engine and the local database import
 * it as `@kspay/shared/app-record`, so they do not load the country, phone and postcode data of
 * `./app-fields`. `@kspay/shared/apps` re-exports all of it next to the rules.
 */
export const appStatusSchema = z.enum(['active', 'disabled']);
export type AppStatus = z.infer<typeof appStatusSchema>;

/**
 * A stored row as the server sends it. Deliberately not re-validated with the form rules: a
 * row stored under yesterday's country list must still load after a data update.
 */
export const appRecordSchema = z.object({
  id: appIdSchema,
  name: z.string(),
  email: z.string(),
  address: z.string(),
  /** E.164, e.g. +919876543210 */
  phone: z.string().nullable(),
  /** ISO 3166-1 alpha-2 */
  country: z.string(),
  /** ISO 3166-2 subdivision code of `country`, e.g. IN-MH */
  state: z.string().nullable(),
  city: z.string().nullable(),
  postalCode: z.string(),
  status: appStatusSchema,
  /** Content hash of the stored logo (for cache-busting `/api/apps/:id/logo?v=`), or null. */
  logoHash: z.string().nullable(),
  /** Per-merchant version stamped at the last change: the pull cursor and `baseVersion`. */
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Tombstone: the record is gone; the client deletes its replica row. */
  deleted: z.boolean()
});
export type AppRecord = z.infer<typeof appRecordSchema>;

/**
 * `baseVersion` is the version of the row the client last pulled, or 0 for an app it created
 * and has not pulled back yet. The server refuses a change as a `conflict` only when ANOTHER
 * client changed the app after that version; the client's own earlier mutations never make
 * its later ones stale.
 */
export const baseVersionSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const appSetStatusArgs = z.strictObject({
  id: appIdSchema,
  baseVersion: baseVersionSchema,
  status: appStatusSchema
});
export type AppSetStatusArgs = z.infer<typeof appSetStatusArgs>;

/** A rejection, with the server's current row when it is a `conflict`. */
export const appRejectionSchema = rejectionSchema.extend({
  record: appRecordSchema.nullable().optional()
});
export type AppRejection = z.infer<typeof appRejectionSchema>;

/** `pushResponseSchema` whose rejections may carry the server row (an addition, compatible). */
export const appPushResponseSchema = pushResponseSchema.extend({
  rejections: z.array(appRejectionSchema)
});
export type AppPushResponse = z.infer<typeof appPushResponseSchema>;

export const pullResponseSchema = z.object({
  cursor: z.number().int(),
  /** The client's last applied mutation: outbox entries up to it can be dropped. */
  lastMutationId: z.number().int(),
  apps: z.array(appRecordSchema),
  /** Rejections after `rejectionsAfter`, oldest first (at most MAX_ROWS_PER_PULL). */
  rejections: z.array(appRejectionSchema),
  /** More rows or rejections wait: pull again with the new cursor and last rejection id. */
  hasMore: z.boolean()
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
