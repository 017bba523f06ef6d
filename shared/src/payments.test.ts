import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDomainInput } from './app-settings';
import { initiateInput, ksPayErrors, sandboxOutcome, signaturePayload } from './payments';

const SEED = 20260402;

describe('sandbox outcome rule', () => {
  it('is chosen by the cents of the amount', () => {
    expect(sandboxOutcome(1000)).toBe('success');
    expect(sandboxOutcome(1079)).toBe('success');
    expect(sandboxOutcome(1080)).toBe('failed');
    expect(sandboxOutcome(1089)).toBe('failed');
    expect(sandboxOutcome(1090)).toBe('pending');
    expect(sandboxOutcome(1099)).toBe('pending');
  });

  it('depends on nothing but the cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }), (u, c) => {
        expect(sandboxOutcome(u * 100 + c)).toBe(sandboxOutcome(c));
      }),
      { seed: SEED, numRuns: 300 }
    );
  });
});

describe('initiate input', () => {
  const base = { currencyId: 'c_1', paymentMethodId: 'pm_1', referenceNumber: 'order-1' };

  it('accepts amounts with up to two decimals', () => {
    for (const amount of [1, 0.01, 345.67, 10.85, 9_999_999.99]) {
      expect(initiateInput.safeParse({ ...base, amount }).success).toBe(true);
    }
  });

  it('refuses zero, negative, too large and over-precise amounts', () => {
    for (const amount of [0, -1, 10_000_000.01, 1.234, Number.NaN]) {
      expect(initiateInput.safeParse({ ...base, amount }).success).toBe(false);
    }
    const r = initiateInput.safeParse({ ...base, amount: 1.234 });
    expect(r.error?.issues[0]).toMatchObject({ params: { ksPay: 'decimalValueAmountError' } });
  });

  it('yields integer minor units: every whole number of minor units, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (minor) => {
        const r = initiateInput.safeParse({ ...base, amount: minor / 100 });
        expect(r.data?.amountMinor).toBe(minor);
        expect(r.data).not.toHaveProperty('amount');
      }),
      { seed: SEED, numRuns: 500 }
    );
  });

  it('refuses anything under one minor unit with KS Pay -19, never 0 minor units', () => {
    for (const amount of [1e-9, 5e-324, 0.001, 0.004999, 0.005, Number.MIN_VALUE]) {
      const r = initiateInput.safeParse({ ...base, amount });
      expect(r.success, String(amount)).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({ params: { ksPay: 'decimalValueAmountError' } });
    }
  });

  it('normalises redirectUrl to its WHATWG serialisation and refuses control characters', () => {
    const url = (redirectUrl: string) =>
      initiateInput.safeParse({ ...base, amount: 1, redirectUrl });
    expect(url('HTTPS://Shop.Example').data?.redirectUrl).toBe('https://shop.example/');
    expect(url('https://shop.example/\ud800').data?.redirectUrl).toBe(
      'https://shop.example/%EF%BF%BD'
    );
    for (const c of ['\u0000', '\t', '\n', '\r', '\u007f', '\u0085']) {
      expect(url(`https://shop.example/a${c}b`).success, JSON.stringify(c)).toBe(false);
      expect(url(`${c}https://shop.example/`).success, JSON.stringify(c)).toBe(false);
    }
    // Under the limit as sent, over it once percent-encoded.
    expect(url(`https://shop.example/${'é'.repeat(700)}`).success).toBe(false);
  });

  it('refuses unknown fields and odd reference numbers', () => {
    expect(initiateInput.safeParse({ ...base, amount: 1, extra: 1 }).success).toBe(false);
    expect(initiateInput.safeParse({ ...base, amount: 1, referenceNumber: 'a b' }).success).toBe(
      false
    );
    expect(
      initiateInput.safeParse({ ...base, amount: 1, redirectUrl: 'javascript:alert(1)' }).success
    ).toBe(false);
  });
});

describe('x-signature payload', () => {
  it('binds id, reference, amount with two decimals and currency', () => {
    expect(
      signaturePayload({ pe_txnId: 'tx_A', referenceNumber: 'r1', amount: 10, currency: 'INR' })
    ).toBe('tx_A|r1|10.00|INR');
  });
});

describe('KS Pay error codes', () => {
  it('keep the documented numbers the brief names', () => {
    expect(ksPayErrors.apiKeyMissing.code).toBe(9002);
    expect(ksPayErrors.keyNotFoundInDB.code).toBe(11001);
    expect(ksPayErrors.inactiveKeyInDB.code).toBe(11002);
    expect(ksPayErrors.invalidSecretKey.code).toBe(11004);
    expect(ksPayErrors.tooManyRequests).toMatchObject({ code: 11005, status: 429 });
    expect(ksPayErrors.appDisabled.code).toBe(11011);
    expect(ksPayErrors.invalidOrigin).toMatchObject({ code: 13007, status: 403 });
  });
});

describe('domain origins', () => {
  const parse = (origin: string) => addDomainInput.safeParse({ origin });

  it('normalises what browsers send in Origin', () => {
    expect(parse('https://Shop.Example.com/').data?.origin).toBe('https://shop.example.com');
    expect(parse('https://shop.example.com:443').data?.origin).toBe('https://shop.example.com');
    expect(parse('https://shop.example.com:8443').data?.origin).toBe(
      'https://shop.example.com:8443'
    );
    expect(parse('http://localhost:5173').data?.origin).toBe('http://localhost:5173');
    expect(parse('https://localhost').data?.origin).toBe('https://localhost');
  });

  it('refuses anything that is not an https origin or http localhost', () => {
    for (const bad of [
      'http://shop.example.com',
      'https://shop.example.com/path',
      'https://*.example.com',
      'https://user@shop.example.com',
      'https://shop.example.com?x=1',
      'https://-bad.example.com',
      'https://intranet',
      'https://shop.example.com:70000',
      'ftp://shop.example.com',
      'http://localhost.evil.com',
      'https://shop.example.com:0',
      ''
    ]) {
      expect(parse(bad).success, bad).toBe(false);
    }
  });
});
