import { describe, expect, it } from 'vitest';
import {
  appCreateArgs,
  appFieldErrors,
  appNameKey,
  appUpdateArgs,
  validateAppFields,
  type AppFieldsInput
} from './apps';
import { countryName, searchCountries, subdivisionsOf } from './countries';
import { bytesToBase64 } from './logo';
import { callingCodeOf, formatPhone, normalizePhone } from './phone';

const valid: AppFieldsInput = {
  name: 'Corner Shop',
  email: 'owner@corner.example',
  address: '12 MG Road',
  phone: '+91 98765 43210',
  country: 'IN',
  state: 'IN-MH',
  city: 'Mumbai',
  postalCode: '400001'
};

function errors(input: Partial<AppFieldsInput>) {
  const r = validateAppFields({ ...valid, ...input });
  return r.ok ? {} : r.fields;
}

describe('app registration rules', () => {
  it('accepts a complete app and normalises it for storage', () => {
    const r = validateAppFields({
      ...valid,
      name: '  Corner Shop ',
      email: ' Owner@Corner.Example',
      country: 'in',
      state: 'in-mh',
      phone: '+91 (98765) 43210',
      city: ''
    });
    expect(r).toEqual({
      ok: true,
      value: { ...valid, phone: '+919876543210', city: null }
    });
  });

  it('needs only name, email, address, country and postal code', () => {
    const r = validateAppFields({
      name: 'Abc',
      email: 'a@b.co',
      address: 'x',
      country: 'US',
      postalCode: '94105'
    });
    expect(r).toMatchObject({ ok: true, value: { phone: null, state: null, city: null } });
  });

  it('says what is missing, field by field, in plain words', () => {
    expect(validateAppFields({})).toEqual({
      ok: false,
      fields: {
        name: 'Enter the app name',
        email: 'Enter an email address',
        address: 'Enter the address',
        country: 'Choose a country',
        postalCode: 'Enter the postal code'
      }
    });
  });

  it('keeps the app name between 3 and 256 characters, counting an emoji once', () => {
    expect(errors({ name: 'ab' })).toEqual({ name: 'Use at least 3 characters' });
    expect(errors({ name: '   ab   ' })).toEqual({ name: 'Use at least 3 characters' });
    expect(errors({ name: 'x'.repeat(257) })).toEqual({ name: 'Use at most 256 characters' });
    expect(errors({ name: '😀'.repeat(256) })).toEqual({});
    expect(errors({ name: 'two\nlines' })).toHaveProperty('name');
  });

  it('stores HTML and script in a name verbatim, as text', () => {
    const name = '<script>alert("x")</script> & <b>Shop</b>';
    expect(validateAppFields({ ...valid, name })).toMatchObject({ ok: true, value: { name } });
  });

  it('refuses an invalid email', () => {
    expect(errors({ email: 'not-an-email' })).toEqual({
      email: 'Enter a valid email address, like name@example.com'
    });
  });

  it('refuses an invalid phone number and one without its country code', () => {
    expect(errors({ phone: '+91 12345' })).toEqual({
      phone: 'Enter a valid phone number, like +91 98765 43210'
    });
    expect(errors({ phone: '98765 43210' })).toEqual({
      phone: 'Start with + and the country code, like +91 98765 43210'
    });
    expect(errors({ phone: '+1 212 555 0100 ext. 7' })).toHaveProperty('phone');
  });

  it('refuses a country that is not ISO 3166-1', () => {
    expect(errors({ country: 'ZZ', state: null })).toEqual({
      country: 'Choose a country from the list'
    });
  });

  it('refuses a state that belongs to another country, or is no state at all', () => {
    expect(errors({ state: 'US-CA' })).toEqual({ state: 'Choose a state of India' });
    expect(errors({ state: 'IN-XX' })).toEqual({ state: 'Choose a state from the list' });
  });

  it('checks the postal code against the country where a rule is known', () => {
    expect(errors({ postalCode: '4000' })).toEqual({
      postalCode: 'This is not a valid postal code for India'
    });
    expect(errors({ country: 'GB', state: 'GB-LND', postalCode: 'sw1a 1aa' })).toEqual({});
    expect(errors({ country: 'GB', state: null, postalCode: '400001' })).toHaveProperty(
      'postalCode'
    );
    expect(errors({ postalCode: '<b>' })).toEqual({
      postalCode: 'Use only letters, digits, spaces and hyphens'
    });
  });

  it('reports every problem at once', () => {
    expect(Object.keys(errors({ phone: '12', state: 'US-CA', postalCode: '1' })).sort()).toEqual([
      'phone',
      'postalCode',
      'state'
    ]);
  });
});

describe('mutation arguments', () => {
  it('keys errors of nested fields and the logo by form field', () => {
    const text = Uint8Array.from([...'hello, I am not a picture'].map((c) => c.charCodeAt(0)));
    const r = appCreateArgs.safeParse({
      id: 'ap_abcdefghi',
      fields: { ...valid, state: 'US-CA' },
      logo: { type: 'image/png', data: bytesToBase64(text) }
    });
    expect(r.success).toBe(false);
    expect(appFieldErrors(r.error!)).toEqual({
      state: 'Choose a state of India',
      logo: 'The logo must be a JPG or PNG image'
    });
  });

  it('refuses unknown keys and a negative base version', () => {
    const r = appUpdateArgs.safeParse({ id: 'ap_abcdefghi', baseVersion: -1, fields: valid, x: 1 });
    expect(r.success).toBe(false);
  });
});

describe('helpers for the form', () => {
  it('treats names that differ only in case or width as the same', () => {
    expect(appNameKey('My App')).toBe(appNameKey('mY aPP'));
    expect(appNameKey('ＭＹ ＡＰＰ')).toBe(appNameKey('my app'));
    expect(appNameKey('My App')).not.toBe(appNameKey('My Apps'));
  });

  it('stores and compares names without hidden or direction characters, in NFKC', () => {
    for (const spoof of [
      'My\u200b App',
      '\u202eMy App',
      'My App\u2069',
      'My\u00ad App',
      'Ｍｙ Ａｐｐ'
    ]) {
      expect(appNameKey(spoof), JSON.stringify(spoof)).toBe(appNameKey('My App'));
      const r = validateAppFields({ ...valid, name: spoof });
      expect(r.ok && r.value.name, JSON.stringify(spoof)).toBe('My App');
    }
    // Invisible characters do not count towards the minimum length.
    expect(errors({ name: 'a\u200b\u200b\u200bb' }).name).toBe('Use at least 3 characters');
  });

  it('finds countries by everyday name, official name, accents left out, or code', () => {
    expect(searchCountries('united k')[0]?.code).toBe('GB');
    expect(searchCountries('cote d')[0]?.code).toBe('CI');
    expect(searchCountries('deu')[0]?.code).toBe('DE');
    expect(searchCountries('in')[0]?.code).toBe('IN');
    expect(searchCountries('').length).toBeGreaterThan(240);
    expect(countryName('BO')).toBe('Bolivia');
  });

  it('lists the subdivisions of a country, and none for a country without', () => {
    const india = subdivisionsOf('IN');
    expect(india.map((s) => s.code)).toContain('IN-MH');
    expect(india.every((s) => s.code.startsWith('IN-'))).toBe(true);
    expect(subdivisionsOf('ZZ')).toEqual([]);
  });

  it('gives the calling code of a country and formats E.164 for reading', () => {
    expect(callingCodeOf('IN')).toBe('+91');
    expect(callingCodeOf('ZZ')).toBeNull();
    expect(formatPhone('+919876543210')).toBe('+91 98765 43210');
    expect(normalizePhone('+44 20 7946 0958')).toEqual({ ok: true, e164: '+442079460958' });
  });
});
