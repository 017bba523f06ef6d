import { describe, expect, it } from 'vitest';
import { idPattern, ID_PREFIX, newIds, randomBase62 } from './ids';

describe('ids', () => {
  it('mints a batch of request log ids far larger than one random draw, all distinct', () => {
    // 5,000 ids need 90,000 random bytes: more than getRandomValues gives in one call.
    const ids = newIds(ID_PREFIX.requestLog, 5000);
    expect(ids).toHaveLength(5000);
    expect(new Set(ids).size).toBe(5000);
    const shape = new RegExp(`^${idPattern(ID_PREFIX.requestLog)}$`);
    expect(ids.every((id) => shape.test(id))).toBe(true);
  });

  it('draws a long random base62 string in pieces', () => {
    const s = randomBase62(100_000);
    expect(s).toMatch(/^[0-9A-Za-z]{100000}$/);
    // Every character of the alphabet turns up: the pieces are not one draw repeated.
    expect(new Set(s).size).toBe(62);
  });
});
