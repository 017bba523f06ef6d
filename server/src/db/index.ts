import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema';
import { migrateTo, migrateToLatest } from './migrate';
import { pgPreparedReads, sqlitePreparedReads, type PreparedReads } from './prepared';
import { withStatementCache } from './statement-cache';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Connections per process: enough that a hot read never queues behind the longer write
 * transactions (sync push, payments); more would only add backends competing for the same
 * cores. Benchmark 1 on PostgreSQL guards it (docs/benchmarks.md has the sizes tried).
 */
const PG_POOL_SIZE = 10;

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Hot-path reads compiled once (`prepared.ts`); committed state only. */
  reads: PreparedReads;
  close(): Promise<void>;
}

/**
 * The same database seen through a Kysely transaction, for a store used inside one: its
 * queries run on `trx`; `reads` stay the compiled committed-state reads.
 */
export function withTx(database: Db, trx: Kysely<Database>): Db {
  return { ...database, db: trx };
}

export interface DbOptions {
  databaseUrl?: string | undefined;
  /** SQLite file; defaults to `<dataDir>/kspay.sqlite`. */
  sqliteFile?: string;
  dataDir?: string;
  /** Tests only: migrate up to this migration instead of the latest (migration tests). */
  upTo?: string;
}

/** Opens the database (PostgreSQL when a URL is given, else a SQLite file) and migrates it. */
export async function openDb(opts: DbOptions): Promise<Db> {
  let result: Db;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: PG_POOL_SIZE });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    result = {
      db,
      dialect: 'postgres',
      reads: pgPreparedReads(pool),
      close: () => db.destroy()
    };
  } else {
    const file = opts.sqliteFile ?? path.join(opts.dataDir ?? 'data', 'kspay.sqlite');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) })
    });
    // The hot-path reads' own connection (see `prepared.ts`), opened after the writer so the
    // WAL files exist; `query_only` makes a write through it an error.
    const reader = file === ':memory:' ? sqlite : new SQLite(file);
    if (reader !== sqlite) {
      reader.pragma('query_only = ON');
      reader.pragma('busy_timeout = 5000');
    }
    result = {
      db,
      dialect: 'sqlite',
      reads: sqlitePreparedReads(reader),
      async close() {
        if (reader !== sqlite) reader.close();
        await db.destroy();
      }
    };
  }
  if (opts.upTo) await migrateTo(result.db, opts.upTo);
  else await migrateToLatest(result.db);
  return result;
}
