import type { Compilable } from 'kysely';
import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type pg from 'pg';

/**
 * Reads on the payments API's hot path, built with Kysely ONCE and then run as a compiled
 * statement: no Kysely query building, compiling or connection mutex per request (benchmark 1
 * guards the payments hot path that depends on it).
 *
 * The query is written as usual, with its arguments as the builder's parameters; they are
 * bound by position at each call. On SQLite the statement runs synchronously on a second,
 * query-only connection: in WAL mode each statement reads the latest COMMITTED state, so a
 * read never sees another request's unfinished transaction on the writer connection, and a
 * key disabled by any process is seen by the next read. On PostgreSQL the compiled SQL is a
 * named prepared statement run on the pool outside any transaction (autocommit: it reads the
 * latest committed state): each connection parses and plans it once, then only binds and
 * executes it, in one round trip.
 *
 * Only reads of committed state belong here: a prepared read does not join an open Kysely
 * transaction.
 */
export type PreparedFirst<A extends unknown[], R> = (...args: A) => Promise<R | undefined>;

export interface PreparedReads {
  first<A extends unknown[], R>(build: (...args: A) => Compilable<R>): PreparedFirst<A, R>;
}

/** What stands for argument `i` while the query is compiled; no real value looks like it. */
const slot = (i: number) => `\u0000kspay-prepared-argument-${i}\u0000`;

type Binding = { arg: number } | { value: unknown };

/** Compiles `build` with placeholder arguments and records where each one is bound. */
export function compileWithSlots<A extends unknown[]>(
  build: (...args: A) => Compilable<unknown>
): { sql: string; bindings: Binding[] } {
  const arity = build.length;
  const slots = Array.from({ length: arity }, (_, i) => slot(i));
  const compiled = build(...(slots as A)).compile();
  const seen = new Set<number>();
  const bindings = compiled.parameters.map((p): Binding => {
    const i = slots.indexOf(p as string);
    if (i === -1) return { value: p };
    seen.add(i);
    return { arg: i };
  });
  if (seen.size !== arity || slots.some((s) => compiled.sql.includes(s))) {
    throw new Error(
      `prepared read: every argument must be bound as a plain value (bound ${seen.size} of ${arity})`
    );
  }
  return { sql: compiled.sql, bindings };
}

function bind(bindings: Binding[], args: unknown[]): unknown[] {
  return bindings.map((b) => ('arg' in b ? args[b.arg] : b.value));
}

/**
 * A function that names a row read as an array: `(r) => ({ "id": r[0], "status": r[1] })`,
 * generated once per statement from its column names. An object literal of fixed shape is
 * built in one step; adding computed keys one by one (a loop) turns the object into a hash
 * table, much slower to build and to read.
 * The names are the statement's own columns, quoted by JSON.stringify: no input reaches it.
 * A name given twice keeps its last value, as better-sqlite3's own objects do.
 */
export function rowNamer(names: readonly string[]): (row: readonly unknown[]) => object {
  // In an object literal `"__proto__": x` sets the prototype instead of naming a value.
  if (names.includes('__proto__')) throw new Error('prepared read: a column named __proto__');
  const fields = names.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: trusted names only
  return new Function('r', `return { ${fields} };`) as (row: readonly unknown[]) => object;
}

export function sqlitePreparedReads(reader: SqliteConnection): PreparedReads {
  return {
    first<A extends unknown[], R>(build: (...args: A) => Compilable<R>) {
      let compiled:
        | {
            stmt: Statement<unknown[], unknown[]>;
            name: (row: readonly unknown[]) => object;
            bindings: Binding[];
          }
        | undefined;
      // async only so that a throw (a bad statement) is a rejection like Kysely's.
      // eslint-disable-next-line @typescript-eslint/require-await
      return async (...args: A) => {
        // Compiled on first use: stores are built before anything has queried the schema.
        if (!compiled) {
          const { sql, bindings } = compileWithSlots(build);
          const stmt = reader.prepare<unknown[], unknown[]>(sql).raw(true);
          compiled = { stmt, name: rowNamer(stmt.columns().map((c) => c.name)), bindings };
        }
        // Rows as arrays, named here: better-sqlite3 would build the object itself with a V8
        // API call per column.
        const row = compiled.stmt.get(bind(compiled.bindings, args));
        return row ? (compiled.name(row) as R) : undefined;
      };
    }
  };
}

/**
 * PostgreSQL: each read is a named statement (`kspay_read_<n>`, unique per pool), which the pg
 * driver prepares on a connection the first time that connection runs it. The pool's own
 * `query` takes a connection, runs the statement and gives the connection back; no Kysely
 * executor, no transaction.
 */
export function pgPreparedReads(pool: pg.Pool): PreparedReads {
  let statements = 0;
  return {
    first<A extends unknown[], R>(build: (...args: A) => Compilable<R>) {
      const name = `kspay_read_${++statements}`;
      let compiled: ReturnType<typeof compileWithSlots> | undefined;
      return async (...args: A) => {
        compiled ??= compileWithSlots(build);
        const { sql, bindings } = compiled;
        const values = bind(bindings, args);
        const result = await pool.query<R & pg.QueryResultRow>({ name, text: sql, values });
        return result.rows[0];
      };
    }
  };
}
