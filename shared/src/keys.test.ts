import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  generateKey,
  KEY_LENGTH,
  KEY_PATTERN,
  keyHint,
  parseKey,
  type KeyKind,
  type KeyMode
} from './keys';

const SEED = 20260401;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const kinds: KeyKind[] = ['public', 'secret'];
const modes: KeyMode[] = ['test', 'live'];
const kindMode = fc.tuple(fc.constantFrom(...kinds), fc.constantFrom(...modes));

describe('key format', () => {
  it('names kind and mode in the prefix and has a fixed length', () => {
    expect(generateKey('public', 'test')).toMatch(/^kspk_test_[0-9A-Za-z]{28}$/);
    expect(generateKey('secret', 'live')).toMatch(/^kssk_live_[0-9A-Za-z]{28}$/);
    expect(generateKey('secret', 'test')).toHaveLength(KEY_LENGTH);
  });

  it('computes the same CRC32 as zlib', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('does not repeat keys', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey('secret', 'test')));
    expect(keys.size).toBe(2000);
  });

  it('every generated key parses back to its kind and mode', () => {
    fc.assert(
      fc.property(kindMode, ([kind, mode]) => {
        const key = generateKey(kind, mode);
        expect(parseKey(key)).toEqual({ ok: true, kind, mode, key });
        expect(KEY_PATTERN.test(key)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 }
    );
  });

  it('changing any one character fails the checksum or the format', () => {
    fc.assert(
      fc.property(
        kindMode,
        fc.nat({ max: KEY_LENGTH - 1 }),
        fc.constantFrom(...(BASE62 + '_-+/ é').split('')),
        ([kind, mode], index, replacement) => {
          const key = generateKey(kind, mode);
          fc.pre(key[index] !== replacement);
          const typo = key.slice(0, index) + replacement + key.slice(index + 1);
          const parsed = parseKey(typo);
          expect(parsed.ok).toBe(false);
          // A base62 character inside the random or checksum part keeps the format intact,
          // so only the checksum can catch it.
          if (index >= 10 && BASE62.includes(replacement)) {
            expect(parsed).toEqual({ ok: false, reason: 'bad_checksum' });
          }
        }
      ),
      { seed: SEED, numRuns: 2000 }
    );
  });

  it('swapping the kind or mode in the prefix fails the checksum', () => {
    const secret = generateKey('secret', 'test');
    expect(parseKey(secret.replace('kssk_', 'kspk_'))).toEqual({
      ok: false,
      reason: 'bad_checksum'
    });
    expect(parseKey(secret.replace('_test_', '_live_'))).toEqual({
      ok: false,
      reason: 'bad_checksum'
    });
  });

  it('refuses truncated, padded and non-string input as malformed', () => {
    const key = generateKey('public', 'test');
    for (const bad of [key.slice(0, -1), `${key}x`, ` ${key}`, '', 'kspk_test_', null, 42, {}]) {
      expect(parseKey(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(parseKey(key.replace('kspk', 'ghpk'))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('hints at a key by prefix and last three characters only', () => {
    const secret = generateKey('secret', 'test');
    const hint = keyHint(secret);
    expect(hint).toBe(`kssk_test_…${secret.slice(-3)}`);
    expect(hint).not.toContain(secret.slice(10, 32));
  });
});
