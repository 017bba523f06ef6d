import { z } from 'zod';
import {
  CONTROL,
  CONTROL_EXCEPT_NEWLINE,
  citySchema,
  countrySchema,
  optionalText,
  placeIssues,
  stateSchema
} from './app-fields';
import { normalizePostalCode, postalCodeError, POSTAL_CODE_MAX } from './postcode';

/**
 * The company profile on the Profile page: every field optional ('' and null mean "not
 * given"), country, state, city and postcode by the same rules as the app form. HEAVY (country
 * and postcode data): import as `@kspay/shared/company`. Parsing is idempotent, like the app
 * fields, so the server re-checking the browser's value never changes it.
 */
export const BUSINESS_NAME_MAX = 200;
export const WEBSITE_MAX = 2048;
export const COMPANY_ADDRESS_MAX = 500;

const businessName = optionalText((text, ctx) => {
  const name = text.normalize('NFC');
  if ([...name].length > BUSINESS_NAME_MAX) {
    ctx.addIssue({ code: 'custom', message: `Use at most ${BUSINESS_NAME_MAX} characters` });
  } else if (CONTROL.test(name)) {
    ctx.addIssue({
      code: 'custom',
      message: 'Keep the name on one line, without control characters'
    });
  } else return name;
  return z.NEVER;
});

// The WHATWG URL parser: a global in browsers and in Node alike (shared/ has no DOM types).
interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  href: string;
}
const WhatwgUrl = (
  globalThis as unknown as {
    URL: { new (input: string): ParsedUrl; canParse(input: string): boolean };
  }
).URL;

/**
 * A website is an https URL. Typed without a scheme (`example.com`) it gets `https://`; the
 * stored form is the WHATWG serialisation (lower-case punycode host, path at least `/`), so
 * normalising the stored value again changes nothing.
 */
export function normalizeWebsite(text: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  if (!WhatwgUrl.canParse(withScheme)) return null;
  const url = new WhatwgUrl(withScheme);
  if (url.protocol !== 'https:' || url.username || url.password) return null;
  if (!url.hostname.includes('.') || url.hostname.endsWith('.')) return null;
  return url.href;
}

const website = optionalText((text, ctx) => {
  const href = text.length <= WEBSITE_MAX ? normalizeWebsite(text) : null;
  if (href !== null && href.length <= WEBSITE_MAX) return href;
  ctx.addIssue({
    code: 'custom',
    message:
      text.length > WEBSITE_MAX
        ? `A website address has at most ${WEBSITE_MAX} characters`
        : 'Enter an https address, like https://example.com'
  });
  return z.NEVER;
});

const address = optionalText((text, ctx) => {
  const a = text.normalize('NFC');
  if ([...a].length > COMPANY_ADDRESS_MAX) {
    ctx.addIssue({
      code: 'custom',
      message: `An address has at most ${COMPANY_ADDRESS_MAX} characters`
    });
  } else if (CONTROL_EXCEPT_NEWLINE.test(a)) {
    ctx.addIssue({ code: 'custom', message: 'Remove tabs and control characters' });
  } else return a;
  return z.NEVER;
});

const country = optionalText((text, ctx) => {
  const r = countrySchema.safeParse(text);
  if (r.success) return r.data;
  ctx.addIssue({ code: 'custom', message: 'Choose a country from the list' });
  return z.NEVER;
});

const postalCode = optionalText((text, ctx) => {
  const pc = normalizePostalCode(text.slice(0, 4 * POSTAL_CODE_MAX));
  const error = text.length > 4 * POSTAL_CODE_MAX ? 'Too long' : postalCodeError(pc, '');
  if (error === null) return pc;
  ctx.addIssue({ code: 'custom', message: error });
  return z.NEVER;
});

export const companyProfileInput = z
  .strictObject({
    businessName,
    website,
    address,
    /** ISO 3166-1 alpha-2 */
    country,
    /** ISO 3166-2 subdivision of `country` */
    state: stateSchema,
    city: citySchema,
    postalCode
  })
  .superRefine(
    (f, ctx) => {
      if (typeof f.state === 'string' && typeof f.country !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['state'], message: 'Choose the country first' });
      }
      placeIssues(f, ctx);
    },
    { when: ({ value }) => typeof value === 'object' && value !== null }
  );
/** What the form holds (fields may be '' or missing). */
export type CompanyProfileInput = z.input<typeof companyProfileInput>;
/** What is stored: normalised, missing fields null. */
export type CompanyProfileFields = z.infer<typeof companyProfileInput>;

const nullableText = z.string().nullable();
/** `GET`/`PATCH /api/company`: the profile as saved; `updatedAt` null until first saved. */
export const companyProfileSchema = z.object({
  businessName: nullableText,
  website: nullableText,
  address: nullableText,
  country: nullableText,
  state: nullableText,
  city: nullableText,
  postalCode: nullableText,
  updatedAt: nullableText
});
export type CompanyProfile = z.infer<typeof companyProfileSchema>;
