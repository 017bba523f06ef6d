import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db';
import { compileWithSlots, rowNamer } from '../src/db/prepared';
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

  it('names every column of a wide join as Kysely does, null and numbers included', async () => {
    const read = db.reads.first((email: string) =>
      db.db
        .selectFrom('users')
        .leftJoin('memberships', 'memberships.user_id', 'users.id')
        .leftJoin('apps', 'apps.business_id', 'memberships.business_id')
        .select(['users.id', 'users.email', 'users.name', 'users.created_at'])
        .select(['apps.id as app_id', 'apps.version as app_version'])
        .select(sql<number>`41 + 1`.as('answer'))
        .select(sql<string>`'it''s "quoted"'`.as('it\'s "odd"'))
        .where('users.email', '=', email)
    );
    const expected = await db.db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .leftJoin('apps', 'apps.business_id', 'memberships.business_id')
      .select(['users.id', 'users.email', 'users.name', 'users.created_at'])
      .select(['apps.id as app_id', 'apps.version as app_version'])
      .select(sql<number>`41 + 1`.as('answer'))
      .select(sql<string>`'it''s "quoted"'`.as('it\'s "odd"'))
      .where('users.email', '=', 'prepared@example.com')
      .executeTakeFirst();
    const row = await read('prepared@example.com');
    expect(row).toEqual(expected);
    expect(row).toMatchObject({ app_id: null, answer: 42, 'it\'s "odd"': 'it\'s "quoted"' });
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

describe('rowNamer', () => {
  it('names each value by its column, whatever characters the name holds', () => {
    const names = ['id', 'a "quoted" name', "it's", 'back\\slash', 'line\nbreak', 'constructor'];
    const named = rowNamer(names)(names.map((_, i) => i)) as Record<string, unknown>;
    expect(Object.keys(named)).toEqual(names);
    names.forEach((n, i) => expect(named[n]).toBe(i));
    expect(Object.getPrototypeOf(named)).toBe(Object.prototype);
  });

  it('refuses a column named __proto__ (a literal would take it for the prototype)', () => {
    expect(() => rowNamer(['id', '__proto__'])).toThrow(/__proto__/);
  });

  it('keeps the last value of a name given twice, as better-sqlite3 does', () => {
    expect(rowNamer(['id', 'id'])(['first', 'second'])).toEqual({ id: 'second' });
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
