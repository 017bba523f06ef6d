import fc from 'fast-check';
import { getCountries, getExampleNumber } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { appFieldsSchema, validateAppFields, type AppFieldsInput } from './apps';
import { countries, subdivisionsOf } from './countries';
import { normalizePhone } from './phone';
import { hasPostalCodeRule, normalizePostalCode } from './postcode';

const SEED = 20260301;
const RUNS = 300;

/** A valid postcode, as people type it, for some countries with a known rule. */
const postcodes: Record<string, string[]> = {
  IN: ['400001', '110011'],
  US: ['94105', '10001-1234'],
  GB: ['sw1a 1aa', 'EC1A 1BB', 'M1 1AE'],
  DE: ['10115'],
  FR: ['75001'],
  JP: ['100-0001'],
  CA: ['K1A 0B1'],
  BR: ['01310-100'],
  AU: ['2000'],
  NL: ['1012 JS'],
  KE: ['00100']
};
const ruled = Object.keys(postcodes);
const unruled = countries.map((c) => c.code).filter((c) => !hasPostalCodeRule(c));

const phoneCountries = getCountries().filter((c) => getExampleNumber(c, examples));
/** A real number of some country, typed the international way or as E.164. */
const phone = fc.tuple(fc.constantFrom(...phoneCountries), fc.boolean()).map(([c, pretty]) => {
  const n = getExampleNumber(c, examples)!;
  return pretty ? n.formatInternational() : n.number;
});

const word = fc.stringMatching(/^[A-Za-z0-9À-ÿ<>&"'/]{1,12}$/);
const name = fc
  .array(word, { minLength: 1, maxLength: 8 })
  .map((ws) => ws.join(' '))
  .filter((s) => [...s].length >= 3);
const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,16}$/), fc.stringMatching(/^[a-z]{1,10}$/))
  .map(([l, d]) => `${l}@${d}.example`);

/** A country with a postcode that fits it, and maybe one of its own subdivisions. */
const place = fc
  .oneof(
    fc
      .constantFrom(...ruled)
      .chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...(postcodes[c] ?? [])))),
    fc.tuple(fc.constantFrom(...unruled), fc.stringMatching(/^[A-Z0-9]{2,8}$/))
  )
  .chain(([country, postalCode]) => {
    const states = subdivisionsOf(country).map((s) => s.code);
    const state = states.length > 0 ? fc.option(fc.constantFrom(...states)) : fc.constant(null);
    return fc.record({ country: fc.constant(country), postalCode: fc.constant(postalCode), state });
  });

const validApp: fc.Arbitrary<AppFieldsInput> = fc
  .record({
    name,
    email,
    address: fc.stringMatching(/^[A-Za-z0-9 ,.]{1,60}$/).filter((s) => s.trim() !== ''),
    phone: fc.option(phone),
    city: fc.option(fc.stringMatching(/^[A-Za-z ]{0,30}$/)),
    place
  })
  .map(({ place: p, ...rest }) => ({ ...rest, ...p }));

describe('app rules (properties)', () => {
  it('accepts every generated valid app, and parsing what it stores changes nothing', () => {
    fc.assert(
      fc.property(validApp, (app) => {
        const first = appFieldsSchema.parse(app);
        expect(appFieldsSchema.parse(first)).toEqual(first);
        expect(first.name).toBe(app.name.trim());
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });

  it('refuses a state taken from another country', () => {
    const foreign = fc
      .tuple(validApp, fc.constantFrom(...countries.map((c) => c.code)))
      .filter(([app, other]) => other !== app.country && subdivisionsOf(other).length > 0)
      .chain(([app, other]) =>
        fc.constantFrom(...subdivisionsOf(other)).map((s) => ({ ...app, state: s.code }))
      );
    fc.assert(
      fc.property(foreign, (app) => {
        const r = validateAppFields(app);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(Object.keys(r.fields)).toEqual(['state']);
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });

  it('normalises phone numbers to E.164 idempotently', () => {
    fc.assert(
      fc.property(phone, (typed) => {
        const once = normalizePhone(typed);
        expect(once.ok).toBe(true);
        if (!once.ok) return;
        expect(once.e164).toMatch(/^\+[1-9][0-9]{6,14}$/);
        expect(normalizePhone(once.e164)).toEqual(once);
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });

  it('never accepts a phone number without its country code', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9][0-9 ()-]{0,20}$/), (typed) => {
        expect(normalizePhone(typed).ok).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });

  it('normalises postal codes idempotently', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const once = normalizePostalCode(s);
        expect(normalizePostalCode(once)).toBe(once);
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });
});
