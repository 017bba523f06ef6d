/**
 * Counts in words, for every count a person reads: "1 transaction", "1,234 transactions".
 * The form comes from `Intl.PluralRules` (English, as all the console's copy is), so the
 * choice is the language's rule, not `n === 1`; the number is grouped as people write it.
 */
const rules = new Intl.PluralRules('en-US');
const numbers = new Intl.NumberFormat('en-US');

/** The word alone for `n`: `word(1, 'has', 'have')` → "has". */
export function word(n: number, one: string, other = `${one}s`): string {
  return rules.select(n) === 'one' ? one : other;
}

/** `n` and its noun: `plural(3, 'change')` → "3 changes", `plural(1, 'entry', 'entries')`. */
export function plural(n: number, one: string, other = `${one}s`): string {
  return `${numbers.format(n)} ${word(n, one, other)}`;
}

/** A count known only to be at least `n` (always plural): "10,000+ transactions". */
export function atLeast(n: number, other: string): string {
  return `${numbers.format(n)}+ ${other}`;
}
