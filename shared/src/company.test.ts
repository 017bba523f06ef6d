import { describe, expect, it } from 'vitest';
import { companyProfileInput, normalizeWebsite } from './company';

describe('company profile rules', () => {
  it('normalises a website to an https URL, idempotently, and refuses anything else', () => {
    expect(normalizeWebsite('Shop.Example.com')).toBe('https://shop.example.com/');
    expect(normalizeWebsite('https://bücher.example/a?b=1')).toBe(
      'https://xn--bcher-kva.example/a?b=1'
    );
    for (const ok of ['shop.example.com', 'https://bücher.example/a?b=1']) {
      const once = normalizeWebsite(ok) ?? '';
      expect(normalizeWebsite(once)).toBe(once);
    }
    for (const bad of [
      'http://example.com',
      'ftp://example.com',
      'https://localhost',
      'https://a:b@x.io',
      'not a url',
      'https://example.com.'
    ]) {
      expect(normalizeWebsite(bad), bad).toBeNull();
    }
  });

  it('parses a parsed profile to itself and treats empty fields as not given', () => {
    const once = companyProfileInput.parse({
      businessName: ' Asha ',
      website: 'asha.example.com',
      address: '',
      country: 'in',
      state: 'in-mh',
      city: ' Pune ',
      postalCode: '411001'
    });
    expect(once).toEqual({
      businessName: 'Asha',
      website: 'https://asha.example.com/',
      address: null,
      country: 'IN',
      state: 'IN-MH',
      city: 'Pune',
      postalCode: '411001'
    });
    expect(companyProfileInput.parse(once)).toEqual(once);
    expect(companyProfileInput.parse({})).toMatchObject({ businessName: null, country: null });
  });
});
