import { describe, expect, it } from 'vitest';
import { atLeast, plural, word } from './plural';

describe('plural', () => {
  it('says one thing in the singular and every other count in the plural', () => {
    expect(plural(1, 'transaction')).toBe('1 transaction');
    expect(plural(2, 'transaction')).toBe('2 transactions');
    expect(plural(0, 'transaction')).toBe('0 transactions');
    expect(plural(1, 'app')).toBe('1 app');
    expect(plural(3, 'change')).toBe('3 changes');
  });

  it('groups large counts as people write them', () => {
    expect(plural(1234, 'transaction')).toBe('1,234 transactions');
    expect(plural(1_000_000, 'app')).toBe('1,000,000 apps');
    expect(atLeast(10_000, 'transactions')).toBe('10,000+ transactions');
  });

  it('takes an irregular plural, and the word alone for verbs', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(5, 'entry', 'entries')).toBe('5 entries');
    expect(word(1, 'has', 'have')).toBe('has');
    expect(word(2, 'has', 'have')).toBe('have');
  });
});
