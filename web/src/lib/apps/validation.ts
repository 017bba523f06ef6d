/**
 * The app registration rules (`@kspay/shared/apps`: country, subdivision, phone and postcode
 * data, ~90 KB gzipped), loaded on first use. The dashboard and the sync engine only read
 * records (`@kspay/shared/app-record`); the rules are needed only when a write is made, so they
 * stay out of the first load. Await this BEFORE opening a Dexie transaction: a transaction
 * commits as soon as it awaits something that is not Dexie's.
 */
export function loadAppRules() {
  return import('@kspay/shared/apps');
}
