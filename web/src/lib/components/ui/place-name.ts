import { subdivisionsOf } from '@kspay/shared/apps';

/**
 * ISO 3166-2 writes the subdivisions of countries whose own script is not Latin in a scholarly
 * transliteration ("Karnātaka", "Hokkaidô", "Al Qāhirah"); merchants write them without the
 * length, circumflex and dot marks ("Karnataka", "Hokkaido"). Only those marks, and only in
 * those countries: a Latvian "ē" or a Māori "ū" is how the name is really spelled, and stays.
 */
const TRANSLITERATED = new Set(
  'AE AF BH BD EG ER ET IN IQ IR JO JP KW KZ LK LY MR NP OM PK PS QA SA SD SY TD YE'.split(' ')
);
const MARKS = /[\u0302\u0304\u0323\u0331]/g;

/** A subdivision's name as people write it in English. */
export function everydayPlaceName(country: string, isoName: string): string {
  if (!TRANSLITERATED.has(country)) return isoName;
  return isoName.normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/**
 * The name to show for the subdivision `code` of `country` ("IN-KA" → "Karnataka"), the
 * spelling the State picker lists; the code itself when it is not one of the country's.
 */
export function stateName(country: string, code: string): string {
  const s = subdivisionsOf(country).find((d) => d.code === code);
  return s ? everydayPlaceName(country, s.name) : code;
}
