import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactBody } from '../src/usage/redact';

/**
 * A body given as JSON text is redacted straight in the text when nothing in it names a
 * secret field and nothing is escaped (every answer of a read): that must store exactly
 * what parsing, redacting and serialising again stores, and never a secret.
 */
const secretShaped = fc.oneof(
  fc.stringMatching(/^ksat_[A-Za-z0-9_-]{20,43}$/),
  fc.stringMatching(/^ksrt_[A-Za-z0-9_-]{20,43}$/),
  fc.stringMatching(/^kssk_(test|live)_[A-Za-z0-9]{20,40}$/),
  fc.stringMatching(/^whsec_[A-Za-z0-9+/=]{20,40}$/),
  fc.stringMatching(/^[0-9a-f]{64}$/)
);
/** Plain text that JSON.stringify writes without an escape. */
const plain = fc.stringMatching(/^[A-Za-z0-9 _.:@/-]{0,24}$/);
const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/);
const text = fc.oneof(
  plain,
  secretShaped,
  fc.tuple(plain, secretShaped).map(([a, b]) => `${a} ${b}`)
);
/** A body: an object or an array (as a route reads it), of any JSON inside. */
const body = fc.letrec((tie) => ({
  body: fc.oneof(
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(key, secretShaped), tie('value'), { maxKeys: 4 })
  ),
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(key, secretShaped), tie('value'), { maxKeys: 4 })
  )
})).body;

describe('request log redaction of JSON text', () => {
  it('stores what redacting the parsed body stores, every secret-shaped value replaced', () => {
    fc.assert(
      fc.property(body, (value) => {
        const text = JSON.stringify(value);
        const stored = redactBody(text);
        // As JSON, equal (two keys redacted alike read as one, in both).
        expect(JSON.parse(stored ?? 'null')).toEqual(JSON.parse(redactBody(value) ?? 'null'));
        for (const secret of text.match(
          /(?:ksat|ksrt|kssk|whsec)_[A-Za-z0-9_+/=-]+|[0-9a-f]{64}/g
        ) ?? []) {
          expect(stored).not.toContain(secret);
        }
      }),
      { numRuns: 500 }
    );
  });

  it('replaces a secret field by name, escaped or not', () => {
    expect(redactBody('{"accessToken":"short","a":"x"}')).toBe(
      `{"accessToken":"${REDACTED}","a":"x"}`
    );
    expect(redactBody('{"a":"line\\nbreak","password":"p"}')).toBe(
      `{"a":"line\\nbreak","password":"${REDACTED}"}`
    );
  });
});
