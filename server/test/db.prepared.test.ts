import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db';
import { compileWithSlots } from '../src/db/prepared';
import { describeEachDialect, freshDatabase } from './helpers/services';

/**
 * The payments API's compiled reads (src/db/prepared.ts) must answer exactly what Kysely
 * would, and only from committed state: a key disabled by a committed transaction is seen by
 * the very next read, and a transaction still open elsewhere is never seen half-done.
 */
describeEachDialect('prepared reads', (dialect) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  beforeAll(async () => {
    database = await freshDatabase(dialect);
    db = database.db;
    const now = new Date().toISOString();
    await db.db
      .insertInto('users')
      .values({
        id: 'us_prepared',
        email: 'prepared@example.com',
        name: 'Prepared',
        password_hash: 'x',
        created_at: now,
        updated_at: now
      })
      .execute();
  });
  afterAll(() => database.drop());

  const byEmail = () =>
    db.reads.first((email: string, name: string) =>
      db.db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('email', '=', email)
        // A constant between the two arguments: bound in place, not taken for an argument.
        .where('password_hash', '=', 'x')
        .where('name', '=', name)
    );

  it('binds each argument where the query uses it and answers as Kysely does', async () => {
    const read = byEmail();
    expect(await read('prepared@example.com', 'Prepared')).toEqual({
      id: 'us_prepared',
      name: 'Prepared'
    });
    expect(await read('prepared@example.com', 'Someone else')).toBeUndefined();
    expect(await read('nobody@example.com', 'Prepared')).toBeUndefined();
  });

  it('sees a committed change at once, and never an uncommitted one', async () => {
    const read = byEmail();
    const renamed = (name: string) => db.db.updateTable('users').set({ name });
    await db.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ name: 'Half done' }).execute();
      // Inside the open transaction, on another connection: still the committed name.
      expect(await read('prepared@example.com', 'Half done')).toBeUndefined();
      expect(await read('prepared@example.com', 'Prepared')).toBeDefined();
      await sql`select 1`.execute(trx);
    });
    expect(await read('prepared@example.com', 'Half done')).toBeDefined();
    await renamed('Prepared').execute();
    expect(await read('prepared@example.com', 'Prepared')).toBeDefined();
  });
});

describe('prepared reads on SQLite', () => {
  it('run on a connection that cannot write', async () => {
    const database = await freshDatabase('sqlite');
    try {
      const { db, reads } = database.db;
      const sneaky = reads.first((name: string) =>
        db
          .insertInto('rate_limits')
          .values({ key: name, window_start: '2026-01-01T00:00:00.000Z', count: 1 })
          .returning('key')
      );
      await expect(sneaky('written')).rejects.toThrow(/readonly/i);
      expect(await db.selectFrom('rate_limits').selectAll().execute()).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});

describe('compileWithSlots', () => {
  it('refuses an argument the query does not bind as a plain value', async () => {
    const database = await freshDatabase('sqlite');
    try {
      const { db } = database.db;
      expect(() =>
        compileWithSlots((email: string, unused: string) => {
          void unused;
          return db.selectFrom('users').select('id').where('email', '=', email);
        })
      ).toThrow(/bound 1 of 2/);
      expect(() =>
        compileWithSlots((email: string) =>
          db
            .selectFrom('users')
            .select('id')
            .where(sql<string>`lower(email)`, '=', sql.raw<string>(`'${email}'`))
        )
      ).toThrow(/plain value/);
    } finally {
      await database.drop();
    }
  });
});
