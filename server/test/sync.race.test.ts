import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  newClientId,
  pull,
  push,
  type T,
  type TestMerchant,
  serverWithMerchant
} from './helpers/apps';
import { describeEachDialect } from './helpers/services';

const WRITERS = 20;
const CREATES_EACH = 6;

describeEachDialect('sync: a pull racing concurrent writers', (dialect) => {
  let t: T;
  let m: TestMerchant;
  beforeAll(async () => {
    ({ t, m } = await serverWithMerchant(dialect));
  });
  afterAll(() => t.close());

  it(`never misses a row while ${WRITERS} writers register apps`, async () => {
    const reader = newClientId();
    const pulled = new Set<string>();
    let cursor = 0;
    let pulls = 0;
    const readOnce = async () => {
      const page = await pull(t, m, reader, cursor);
      for (const a of page.apps) pulled.add(a.id);
      expect(page.cursor).toBeGreaterThanOrEqual(cursor);
      cursor = page.cursor;
      pulls++;
      return page;
    };

    let writing = true;
    const writers = Promise.all(
      Array.from({ length: WRITERS }, async () => {
        const client = newClientId();
        // One mutation per push, so the writers' transactions interleave as much as possible.
        for (let id = 1; id <= CREATES_EACH; id++) await push(t, m, client, [create(id)]);
      })
    ).finally(() => {
      writing = false;
    });
    const readerLoop = (async () => {
      while (writing) await readOnce();
    })();
    await Promise.all([writers, readerLoop]);
    while ((await readOnce()).hasMore);

    const { db } = t.services.db;
    const stored = await db
      .selectFrom('apps')
      .select('id')
      .where('business_id', '=', m.businessId)
      .execute();
    expect(stored).toHaveLength(WRITERS * CREATES_EACH);
    expect([...pulled].sort()).toEqual(stored.map((r) => r.id).sort());
    expect(pulls).toBeGreaterThan(2);
  }, 60_000);
});
