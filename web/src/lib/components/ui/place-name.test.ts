import { describe, expect, it } from 'vitest';
import { everydayPlaceName, stateName } from './place-name';

describe('everydayPlaceName', () => {
  it('drops transliteration marks where the country writes in another script', () => {
    expect(everydayPlaceName('IN', 'Karnātaka')).toBe('Karnataka');
    expect(everydayPlaceName('IN', 'Tamil Nādu')).toBe('Tamil Nadu');
    expect(everydayPlaceName('JP', 'Hokkaidō')).toBe('Hokkaido');
    expect(everydayPlaceName('LK', 'Vavuṉiyā')).toBe('Vavuniya');
  });

  it("keeps a Latin-script country's own spelling", () => {
    expect(everydayPlaceName('LV', 'Rēzekne')).toBe('Rēzekne');
    expect(everydayPlaceName('NZ', 'Manawatū-Whanganui')).toBe('Manawatū-Whanganui');
    expect(everydayPlaceName('DE', 'Baden-Württemberg')).toBe('Baden-Württemberg');
  });
});

describe('stateName', () => {
  it('names a stored state code the way the State picker lists it', () => {
    expect(stateName('IN', 'IN-KA')).toBe('Karnataka');
    expect(stateName('JP', 'JP-01')).toBe('Hokkaido');
    expect(stateName('IN', 'XX-99')).toBe('XX-99');
  });
});
