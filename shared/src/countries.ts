import { iso31661 } from 'iso-3166/1.js';
import { iso31662 } from 'iso-3166/2.js';

/**
 * Countries (ISO 3166-1 alpha-2) and their subdivisions (ISO 3166-2), from wooorm's `iso-3166`
 * package, which tracks the ISO changes. HEAVY (the subdivision table is ~350 KB of source):
 * import it as `@kspay/shared/countries` from the pages that need it, never from the index.
 *
 * Display names come from `Intl.DisplayNames` ("United Kingdom", "Bolivia") where the runtime
 * has them, falling back to ISO's formal name ("Bolivia (Plurinational State of)"); both, and the
 * alpha-3 code, are searchable. Validation only ever looks at codes, never at names, so a name
 * that differs between a browser and the server cannot make a record valid on one side only.
 */
export interface Country {
  /** ISO 3166-1 alpha-2, e.g. `IN` */
  code: string;
  /** Everyday English name, e.g. `United Kingdom` */
  name: string;
  /** ISO's name, e.g. `United Kingdom of Great Britain and Northern Ireland` */
  officialName: string;
  alpha3: string;
}

export interface Subdivision {
  /** ISO 3166-2, e.g. `IN-MH` */
  code: string;
  name: string;
  /** The country's alpha-2, or the enclosing subdivision (e.g. `GB-ENG` for `GB-LND`). */
  parent: string;
}

function displayNames(): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  } catch {
    return null;
  }
}

const regionNames = displayNames();

/** Lower-case, accents removed, so "cote" finds "Côte d'Ivoire". */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Every assigned country, sorted by display name. */
export const countries: readonly Country[] = iso31661
  .map((c) => ({
    code: c.alpha2,
    name: regionNames?.of(c.alpha2) ?? c.name,
    officialName: c.name,
    alpha3: c.alpha3
  }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

const byCode = new Map(countries.map((c) => [c.code, c]));
const searchText = new Map(
  countries.map((c) => [
    c.code,
    { name: foldForSearch(c.name), all: foldForSearch(`${c.name} ${c.officialName}`) }
  ])
);

export function isCountryCode(code: string): boolean {
  return byCode.has(code);
}

export function countryByCode(code: string): Country | undefined {
  return byCode.get(code);
}

/** The display name of a code, or the code itself when it is unknown. */
export function countryName(code: string): string {
  return byCode.get(code)?.name ?? code;
}

/**
 * Countries matching what a merchant typed: exact code first, then names starting with the
 * query, then names containing it. An empty query lists every country.
 */
export function searchCountries(query: string): Country[] {
  const q = foldForSearch(query);
  if (!q) return [...countries];
  const upper = query.trim().toUpperCase();
  const ranked: [number, Country][] = [];
  for (const c of countries) {
    const text = searchText.get(c.code);
    if (!text) continue;
    const rank =
      c.code === upper || c.alpha3 === upper
        ? 0
        : text.name.startsWith(q)
          ? 1
          : text.all.startsWith(q) || text.all.includes(` ${q}`)
            ? 2
            : text.all.includes(q)
              ? 3
              : -1;
    if (rank >= 0) ranked.push([rank, c]);
  }
  return ranked.sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

let subdivisionIndex: Map<string, Subdivision[]> | undefined;
let subdivisionCodes: Map<string, Subdivision> | undefined;

function index() {
  if (!subdivisionIndex || !subdivisionCodes) {
    subdivisionIndex = new Map();
    subdivisionCodes = new Map();
    for (const s of iso31662) {
      const country = s.code.slice(0, 2);
      const entry = { code: s.code, name: s.name, parent: s.parent };
      subdivisionCodes.set(s.code, entry);
      const list = subdivisionIndex.get(country) ?? [];
      list.push(entry);
      subdivisionIndex.set(country, list);
    }
    for (const list of subdivisionIndex.values()) {
      list.sort((a, b) => a.name.localeCompare(b.name, 'en'));
    }
  }
  return { byCountry: subdivisionIndex, byCode: subdivisionCodes };
}

/** The subdivisions (states, provinces, regions…) of a country, sorted by name; [] if none. */
export function subdivisionsOf(country: string): readonly Subdivision[] {
  return index().byCountry.get(country) ?? [];
}

export function subdivisionByCode(code: string): Subdivision | undefined {
  return index().byCode.get(code);
}

/** True when `code` is an ISO 3166-2 subdivision of `country` (an ISO 3166-2 code starts with it). */
export function isSubdivisionOf(code: string, country: string): boolean {
  return code.startsWith(`${country}-`) && index().byCode.has(code);
}
