import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './reset-link';

describe('tokenFromHash', () => {
  it('reads the token from the fragment of the emailed link', () => {
    const token = 'a'.repeat(43);
    expect(tokenFromHash(`#token=${token}`)).toBe(token);
    expect(tokenFromHash(`token=${token}`)).toBe(token);
  });

  it('answers null when the link has no token', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#')).toBeNull();
    expect(tokenFromHash('#other=1')).toBeNull();
  });
});
