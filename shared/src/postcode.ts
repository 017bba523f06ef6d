import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { countryName } from './countries';

/**
 * Postal codes: a general shape everywhere, and the country's own rule where
 * `postcode-validator` knows one (about 200 countries). Where it knows none the general shape
 * is all we can say, so nothing plausible is refused. HEAVY through `countries`: import as
 * `@kspay/shared/postcode`.
 */
export const POSTAL_CODE_MAX = 16;
const GENERAL_SHAPE = /^[A-Z0-9][A-Z0-9 -]*$/;

/** Trimmed, inner spaces collapsed, upper case: `sw1a  1aa` → `SW1A 1AA`. Idempotent. */
export function normalizePostalCode(input: string): string {
  return input.trim().replace(/\s+/g, ' ').toUpperCase();
}

export function hasPostalCodeRule(country: string): boolean {
  return postcodeValidatorExistsForCountry(country);
}

/**
 * What is wrong with a (normalised) postal code for a country, or null when it fits. The
 * country must already be a valid code; its own rule is applied only where one is known.
 */
export function postalCodeError(postalCode: string, country: string): string | null {
  if (postalCode === '') return 'Enter the postal code';
  if (postalCode.length > POSTAL_CODE_MAX) {
    return `A postal code has at most ${POSTAL_CODE_MAX} characters`;
  }
  if (!GENERAL_SHAPE.test(postalCode)) return 'Use only letters, digits, spaces and hyphens';
  if (hasPostalCodeRule(country) && !postcodeValidator(postalCode, country)) {
    return `This is not a valid postal code for ${countryName(country)}`;
  }
  return null;
}
