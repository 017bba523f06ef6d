import { z } from 'zod';
import { appFieldNames, appFieldsSchema, type AppFieldName, type AppFields } from './app-fields';
import { logoUploadSchema } from './logo';
import { appIdSchema, pushResponseSchema, rejectionSchema, type MutationName } from './sync';

export * from './app-fields';
export {
  base64ToBytes,
  bytesToBase64,
  LOGO_ACCEPT,
  LOGO_MAX_BYTES,
  logoBytesError,
  logoTypes,
  logoUploadSchema,
  sniffImageType,
  type LogoType,
  type LogoUpload
} from './logo';
// What the registration form needs besides the schema, from one import.
export {
  countries,
  countryByCode,
  countryName,
  searchCountries,
  subdivisionsOf,
  type Country,
  type Subdivision
} from './countries';
export { callingCodeOf, formatPhone, normalizePhone } from './phone';
export { hasPostalCodeRule } from './postcode';

/**
 * Registered apps as both sides see them (the browser's replica row, the pull payload) and the
 * sync mutations that change them. HEAVY through `app-fields` (country, phone and postcode
 * data): import as `@kspay/shared/apps`; the index does not re-export it.
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
const baseVersion = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const appCreateArgs = z.strictObject({
  id: appIdSchema,
  fields: appFieldsSchema,
  logo: logoUploadSchema.nullable()
});
export type AppCreateArgs = z.infer<typeof appCreateArgs>;

export const appUpdateArgs = z.strictObject({
  id: appIdSchema,
  baseVersion,
  fields: appFieldsSchema,
  /** undefined keeps the logo, null removes it. */
  logo: logoUploadSchema.nullable().optional()
});
export type AppUpdateArgs = z.infer<typeof appUpdateArgs>;

export const appSetStatusArgs = z.strictObject({
  id: appIdSchema,
  baseVersion,
  status: appStatusSchema
});
export type AppSetStatusArgs = z.infer<typeof appSetStatusArgs>;

/** The argument schema of each mutation name (the server validates `args` with these). */
export const mutationArgsSchemas = {
  'app.create': appCreateArgs,
  'app.update': appUpdateArgs,
  'app.setStatus': appSetStatusArgs
} as const satisfies Record<MutationName, z.ZodType>;

/** `GET /api/apps/:id/logo?v=<logoHash>`: the path and the cache-busting query. */
export const appParamsSchema = z.strictObject({ id: appIdSchema });
export const logoQuerySchema = z.object({ v: z.string().max(128).optional() });

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

/**
 * Case- and width-insensitive key for "unique among the merchant's apps": `My App`, `my app`
 * and `ＭＹ ＡＰＰ` are the same name. The server stores it and indexes it as unique.
 */
export function appNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

export type AppFieldErrors = Partial<Record<AppFieldName | '_', string>>;

/**
 * Zod issues (of the fields, or of whole mutation args) keyed by form field: `fields.name` →
 * `name`, anything under `logo` → `logo`; what belongs to no field goes under `_`.
 */
export function appFieldErrors(error: z.ZodError): AppFieldErrors {
  const out: AppFieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path[0] === 'fields' ? issue.path.slice(1) : issue.path;
    const head = String(path[0] ?? '');
    const key = (appFieldNames as readonly string[]).includes(head) ? (head as AppFieldName) : '_';
    out[key] ??= issue.message;
  }
  return out;
}

export type AppFieldsResult =
  { ok: true; value: AppFields } | { ok: false; fields: AppFieldErrors };

/** The form's check: the normalised fields, or a message per field. */
export function validateAppFields(input: unknown): AppFieldsResult {
  const r = appFieldsSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, fields: appFieldErrors(r.error) };
}
