import { z } from 'zod';
import { appIdSchema, rejectionSchema } from './sync';

/**
 * The registered app as both sides see it (the replica row in the browser, the pull payload).
 * FIRST VERSION OF THE SHAPE: the field names are the contract; the validation rules of the
 * registration form (country/subdivision lists, phone, postcode, logo content) live in
 * `appInputSchema` and are refined by the apps work.
 */
export const appStatusSchema = z.enum(['active', 'disabled']);
export type AppStatus = z.infer<typeof appStatusSchema>;

export const LOGO_MAX_BYTES = 100 * 1024;
export const logoTypes = ['image/png', 'image/jpeg'] as const;

/** A logo travels inside a mutation as base64 so it can wait in the offline outbox. */
export const logoUploadSchema = z.strictObject({
  type: z.enum(logoTypes),
  /** base64 of the file bytes; the server checks magic bytes and size again. */
  data: z.string().max(Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 4)
});
export type LogoUpload = z.infer<typeof logoUploadSchema>;

export const appFieldsSchema = z.strictObject({
  name: z.string().trim().min(3).max(256),
  email: z.string().trim().toLowerCase().max(254),
  address: z.string().trim().min(1).max(500),
  /** E.164, e.g. +919876543210 */
  phone: z.string().nullable(),
  /** ISO 3166-1 alpha-2 */
  country: z.string().length(2),
  /** ISO 3166-2 subdivision code of `country`, e.g. IN-MH */
  state: z.string().nullable(),
  city: z.string().trim().max(100).nullable(),
  postalCode: z.string().trim().min(1).max(16)
});
export type AppFields = z.infer<typeof appFieldsSchema>;

export const appRecordSchema = z.object({
  id: appIdSchema,
  ...appFieldsSchema.shape,
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

export const appCreateArgs = z.strictObject({
  id: appIdSchema,
  fields: appFieldsSchema,
  logo: logoUploadSchema.nullable()
});
export const appUpdateArgs = z.strictObject({
  id: appIdSchema,
  baseVersion: z.number().int().min(0),
  fields: appFieldsSchema,
  /** undefined keeps the logo, null removes it. */
  logo: logoUploadSchema.nullable().optional()
});
export const appSetStatusArgs = z.strictObject({
  id: appIdSchema,
  baseVersion: z.number().int().min(0),
  status: appStatusSchema
});

export const pullResponseSchema = z.object({
  cursor: z.number().int(),
  /** The client's last applied mutation: outbox entries up to it can be dropped. */
  lastMutationId: z.number().int(),
  apps: z.array(appRecordSchema),
  rejections: z.array(
    rejectionSchema.extend({
      /** For a `conflict`: the server's current row, so the client can show both. */
      record: appRecordSchema.nullable().optional()
    })
  ),
  /** More rows wait: pull again with the new cursor. */
  hasMore: z.boolean()
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
