import { z } from 'zod';
import { countryName, isCountryCode, isSubdivisionOf, subdivisionByCode } from './countries';
import { normalizePhone } from './phone';
import { normalizePostalCode, postalCodeError, POSTAL_CODE_MAX } from './postcode';

/**
 * The app registration rules: ONE schema used by the form, the drafts, the sync mutations and
 * the server. HEAVY (country, subdivision, phone and postcode data): import it as
 * `@kspay/shared/apps`; the index does not re-export it, so the sign-in page stays small.
 *
 * Parsing normalises (trims, NFC — NFKC for the name —, E.164 phone, upper-case codes and postcodes) and is
 * idempotent: parsing a parsed value returns it unchanged, so the server re-validating what a
 * browser already validated can never change it. Text is kept verbatim otherwise: a name with
 * `<script>` in it is stored as those characters and rendered as text.
 */
export const APP_NAME_MIN = 3;
export const APP_NAME_MAX = 256;
export const APP_EMAIL_MAX = 254;
export const APP_ADDRESS_MAX = 500;
export const APP_CITY_MAX = 100;

export const appFieldNames = [
  'name',
  'email',
  'address',
  'phone',
  'country',
  'state',
  'city',
  'postalCode',
  'logo'
] as const;
export type AppFieldName = (typeof appFieldNames)[number];

const codePoints = (s: string) => [...s].length;
/** Control characters (tabs, line breaks, NUL…) have no place in a one-line field. */
export const CONTROL = /\p{Cc}/u;
/** An address may span lines; other control characters are still refused. */
export const CONTROL_EXCEPT_NEWLINE = /[^\P{Cc}\n]/u;

/**
 * Characters a reader cannot see (zero-width spaces and joiners, soft hyphens, variation
 * selectors…) or that reorder what is shown (U+202E, U+2066…). In a name they make two names
 * look the same, or one look like another, on the console and on a customer's payment page.
 */
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/gu;

/**
 * An app name as it is stored and compared: compatibility-normalised (NFKC: full-width letters,
 * ligatures and the like become their plain form), hidden characters removed, trimmed.
 * Idempotent, so the server re-checking a browser's value never changes it.
 */
export function normalizeAppName(name: string): string {
  // Removed before NFKC, so what they separated composes (e + ZWJ + U+0301 → é), and again
  // after it, for what NFKC maps onto a hidden character (U+FFA0 → U+3164).
  return name.replace(HIDDEN, '').normalize('NFKC').replace(HIDDEN, '').trim();
}

const nameSchema = z
  .string({ error: 'Enter the app name' })
  .max(4 * APP_NAME_MAX, `Use at most ${APP_NAME_MAX} characters`)
  .overwrite(normalizeAppName)
  .refine((s) => s.length > 0, 'Enter the app name')
  .refine((s) => s.length === 0 || codePoints(s) >= APP_NAME_MIN, {
    error: `Use at least ${APP_NAME_MIN} characters`
  })
  .refine((s) => codePoints(s) <= APP_NAME_MAX, `Use at most ${APP_NAME_MAX} characters`)
  .refine((s) => !CONTROL.test(s), 'Keep the name on one line, without tabs or control characters');

const emailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(APP_EMAIL_MAX, `An email address has at most ${APP_EMAIL_MAX} characters`)
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com' }));

const addressSchema = z
  .string({ error: 'Enter the address' })
  .trim()
  .normalize('NFC')
  .min(1, 'Enter the address')
  .max(APP_ADDRESS_MAX, `An address has at most ${APP_ADDRESS_MAX} characters`)
  .refine((s) => !CONTROL_EXCEPT_NEWLINE.test(s), 'Remove tabs and control characters');

/** Optional text: '' (an empty input) and null both mean "not given" and become null. */
export function optionalText<T>(
  check: (value: string, ctx: z.RefinementCtx<string | null | undefined>) => T | typeof z.NEVER
) {
  return z
    .string({ error: 'Enter text here or leave it empty' })
    .nullable()
    .optional()
    .transform((v, ctx) => {
      const text = (v ?? '').trim();
      return text === '' ? null : check(text, ctx);
    });
}

const phoneSchema = optionalText((text, ctx) => {
  const r = normalizePhone(text);
  if (r.ok) return r.e164;
  ctx.addIssue({ code: 'custom', message: r.message });
  return z.NEVER;
});

export const stateSchema = optionalText((text, ctx) => {
  const code = text.toUpperCase();
  if (subdivisionByCode(code)) return code;
  ctx.addIssue({ code: 'custom', message: 'Choose a state from the list' });
  return z.NEVER;
});

export const citySchema = optionalText((text, ctx) => {
  const city = text.normalize('NFC');
  if (codePoints(city) > APP_CITY_MAX) {
    ctx.addIssue({ code: 'custom', message: `A city has at most ${APP_CITY_MAX} characters` });
  } else if (CONTROL.test(city)) {
    ctx.addIssue({ code: 'custom', message: 'Remove tabs and control characters' });
  } else return city;
  return z.NEVER;
});

export const countrySchema = z
  .string({ error: 'Choose a country' })
  .trim()
  .toUpperCase()
  .min(1, 'Choose a country')
  .refine(isCountryCode, 'Choose a country from the list');

const postalCodeSchema = z
  .string({ error: 'Enter the postal code' })
  .max(4 * POSTAL_CODE_MAX, `A postal code has at most ${POSTAL_CODE_MAX} characters`)
  .overwrite(normalizePostalCode)
  .superRefine((pc, ctx) => {
    // The country-independent part; the country's own rule is checked with the object below.
    const error = postalCodeError(pc, '');
    if (error) ctx.addIssue({ code: 'custom', message: error });
  });

/**
 * The rules that need the country (shared with the company profile): the state is one of its
 * subdivisions and the postcode fits its format. Skipped when the country itself is not valid.
 */
export function placeIssues(
  f: { country?: unknown; state?: unknown; postalCode?: unknown },
  ctx: z.RefinementCtx
): void {
  if (typeof f.country !== 'string' || !isCountryCode(f.country)) return;
  if (typeof f.state === 'string' && !isSubdivisionOf(f.state, f.country)) {
    ctx.addIssue({
      code: 'custom',
      path: ['state'],
      message: `Choose a state of ${countryName(f.country)}`
    });
  }
  if (typeof f.postalCode === 'string' && postalCodeError(f.postalCode, '') === null) {
    const error = postalCodeError(f.postalCode, f.country);
    if (error) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: error });
  }
}

export const appFieldsSchema = z
  .strictObject({
    name: nameSchema,
    email: emailSchema,
    address: addressSchema,
    /** E.164, e.g. +919876543210 */
    phone: phoneSchema,
    /** ISO 3166-1 alpha-2 */
    country: countrySchema,
    /** ISO 3166-2 subdivision code of `country`, e.g. IN-MH */
    state: stateSchema,
    city: citySchema,
    postalCode: postalCodeSchema
  })
  // Run even when another field failed, so the form shows every problem at once — but only on
  // an object: `fields` missing or of another type must be refused, not read.
  .superRefine(placeIssues, { when: ({ value }) => typeof value === 'object' && value !== null });
/** What the form holds (optional fields may be '' or missing). */
export type AppFieldsInput = z.input<typeof appFieldsSchema>;
/** What is stored and synced (normalised; optional fields null). */
export type AppFields = z.infer<typeof appFieldsSchema>;
