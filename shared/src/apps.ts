import { z } from 'zod';
import {
  appFieldNames,
  appFieldsSchema,
  normalizeAppName,
  type AppFieldName,
  type AppFields
} from './app-fields';
import { logoUploadSchema } from './logo';
import { appSetStatusArgs, baseVersionSchema } from './app-record';
import { appIdSchema, type MutationName } from './sync';

export * from './app-fields';
export * from './app-record';
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
 * The app registration rules and the sync mutations that change apps. HEAVY through
 * `app-fields` (country, phone and postcode data): import as `@kspay/shared/apps`; the index
 * does not re-export it. What needs no field rules (the record, its status, the push and pull
 * answers) lives in the light `./app-record`, re-exported here.
 */
export const appCreateArgs = z.strictObject({
  id: appIdSchema,
  fields: appFieldsSchema,
  logo: logoUploadSchema.nullable()
});
export type AppCreateArgs = z.infer<typeof appCreateArgs>;

export const appUpdateArgs = z.strictObject({
  id: appIdSchema,
  baseVersion: baseVersionSchema,
  fields: appFieldsSchema,
  /** undefined keeps the logo, null removes it. */
  logo: logoUploadSchema.nullable().optional()
});
export type AppUpdateArgs = z.infer<typeof appUpdateArgs>;

/** The argument schema of each mutation name (the server validates `args` with these). */
export const mutationArgsSchemas = {
  'app.create': appCreateArgs,
  'app.update': appUpdateArgs,
  'app.setStatus': appSetStatusArgs
} as const satisfies Record<MutationName, z.ZodType>;

/** `GET /api/apps/:id/logo?v=<logoHash>`: the path and the cache-busting query. */
export const appParamsSchema = z.strictObject({ id: appIdSchema });
export const logoQuerySchema = z.object({ v: z.string().max(128).optional() });

/**
 * Case-, width- and invisible-character-insensitive key for "unique among the merchant's apps":
 * `My App`, `my app`, `ＭＹ ＡＰＰ` and `My\u200b App` are the same name. The server stores it
 * and indexes it as unique; the form checks it too, with this same function.
 */
export function appNameKey(name: string): string {
  return normalizeAppName(name).toLowerCase();
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
