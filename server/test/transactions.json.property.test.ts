import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema';
import { transactionJsonSqlite } from '../src/payments/transaction-read';
import { toTransaction } from '../src/store/transactions';

/**
 * On SQLite the hot transaction read has SQLite write the answer's JSON
 * (`transactionJsonSqlite`). It must be, byte for byte, what `JSON.stringify(toTransaction(row))`
 * writes, for any row the API can store: any amount from a cent to the largest allowed, and
 * any text in the merchant's fields (quotes, backslashes, control characters, any script).
 */
describe('the transaction answer SQLite writes', () => {
  const sqlite = new SQLite(':memory:');
  sqlite.exec(`create table transactions (
    id text primary key, app_id text not null, key_id text, reference_number text not null,
    provider_order_id text not null, currency_id text not null, currency_code text not null,
    payment_method_id text not null, payment_mode text not null, gateway text not null,
    amount_minor integer not null, status text not null, redirect_url text,
    created_at text not null, updated_at text not null)`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  afterAll(() => db.destroy());

  const text = fc.string({ unit: 'grapheme', maxLength: 40 });
  const row = fc.record({
    id: text,
    app_id: fc.constant('ap_json'),
    key_id: fc.option(text),
    reference_number: text,
    provider_order_id: text,
    currency_id: text,
    currency_code: text,
    payment_method_id: text,
    payment_mode: text,
    gateway: text,
    // One cent to AMOUNT_MAX (10,000,000.00), weighted towards the edges and whole amounts.
    amount_minor: fc.oneof(
      fc.integer({ min: 1, max: 1_000_000_000 }),
      fc.integer({ min: 1, max: 10_000_000 }).map((a) => a * 100),
      fc.constantFrom(1, 7, 10, 29, 99, 100, 101, 999_999_999, 1_000_000_000)
    ),
    status: fc.constantFrom('initiated', 'success', 'failed', 'pending' as const),
    redirect_url: fc.option(fc.string({ unit: 'binary', maxLength: 80 })),
    created_at: text,
    updated_at: text
  });

  it('is exactly JSON.stringify(toTransaction(row)), and null when no row joined', async () => {
    await fc.assert(
      fc.asyncProperty(row, async (r) => {
        await db.deleteFrom('transactions').execute();
        await db.insertInto('transactions').values(r).execute();
        const got = await db
          .selectFrom('transactions')
          .selectAll()
          .select(transactionJsonSqlite().as('json'))
          .executeTakeFirstOrThrow();
        const { json, ...stored } = got;
        expect(json).toBe(JSON.stringify(toTransaction(stored)));
      }),
      { seed: 20261201, numRuns: 500 }
    );
    const unmatched = await db
      .selectFrom(db.selectNoFrom((eb) => eb.val(1).as('one')).as('x'))
      .leftJoin('transactions', (j) => j.on('transactions.id', '=', 'no such id'))
      .select(transactionJsonSqlite().as('json'))
      .executeTakeFirstOrThrow();
    expect(unmatched.json).toBeNull();
  });
});
