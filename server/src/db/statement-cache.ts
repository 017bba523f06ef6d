import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept compiled; Kysely's placeholders make the real set far smaller. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query, and compiling a statement
 * costs more than running it. This keeps the most recently used statements compiled, by SQL
 * text, in a bounded LRU.
 *
 * It caches compiled SQL only, never data: it cannot make a process see stale rows, so it
 * changes nothing when several processes share a database. Reuse is safe because Kysely runs
 * one query at a time on its single SQLite connection (a mutex), and SQLite re-prepares a
 * statement by itself when a migration changes the schema under it.
 */
export function withStatementCache(
  db: SqliteDatabase,
  size = STATEMENT_CACHE_SIZE
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) cache.delete(sql);
      else stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return stmt;
    }
  };
}
