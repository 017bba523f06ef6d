import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString
} from 'libphonenumber-js/min';

/**
 * Phone numbers with their country code, stored as E.164 (`+919876543210`). libphonenumber-js
 * with its `min` metadata (~80 KB): it checks the country code and the number's length for that
 * country, not every digit range, which is the right strictness for a contact number that must
 * not go stale when a country opens a new range. HEAVY: import as `@kspay/shared/phone`.
 */
export const PHONE_INPUT_MAX = 32;

/** What a person types: digits and the usual separators, no letters (so no "ext." parts). */
const PHONE_CHARS = /^\+?[0-9 ().\-/]*$/;

export const PHONE_NEEDS_COUNTRY_CODE = 'Start with + and the country code, like +91 98765 43210';
export const PHONE_INVALID = 'Enter a valid phone number, like +91 98765 43210';

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string };

/**
 * Validates a phone number typed with its country code and returns it in E.164. Idempotent:
 * an E.164 result normalises to itself.
 */
export function normalizePhone(input: string): PhoneResult {
  const text = input.trim();
  if (text.length > PHONE_INPUT_MAX || !PHONE_CHARS.test(text)) {
    return { ok: false, message: PHONE_INVALID };
  }
  if (!text.startsWith('+')) return { ok: false, message: PHONE_NEEDS_COUNTRY_CODE };
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed?.isValid()) return { ok: false, message: PHONE_INVALID };
  return { ok: true, e164: parsed.number };
}

/** `+91` for `IN`: the form pre-fills it when a country is chosen. Null when unknown. */
export function callingCodeOf(country: string): string | null {
  return isSupportedCountry(country) ? `+${getCountryCallingCode(country)}` : null;
}

/** E.164 shown the international way (`+91 98765 43210`); the input itself when it cannot parse. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
