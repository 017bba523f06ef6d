/**
 * ISO 3166-2 writes the subdivisions of countries whose own script is not Latin in a scholarly
 * transliteration ("Karnātaka", "Hokkaidō", "Al Qāhirah"); merchants write them without the
 * length and dot marks ("Karnataka"). Only those marks, and only in those countries: a Latvian
 * "ē" or a Māori "ū" is how the name is really spelled, and stays.
 */
const TRANSLITERATED = new Set(
  'AE AF BH BD EG ER ET IN IQ IR JO JP KW KZ LK LY MR NP OM PK PS QA SA SD SY TD YE'.split(' ')
);
const MARKS = /[\u0304\u0323\u0331]/g;

/** A subdivision's name as people write it in English. */
export function everydayPlaceName(country: string, isoName: string): string {
  if (!TRANSLITERATED.has(country)) return isoName;
  return isoName.normalize('NFD').replace(MARKS, '').normalize('NFC');
}
