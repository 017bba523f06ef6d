import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from './config';

/**
 * `pnpm backup [file]`: a consistent copy of the database while the server keeps running
 * (docs/operations.md says how to restore it). It reads the same environment as the server
 * (`DATA_DIR`, `DATABASE_URL`), and writes `<DATA_DIR>/backups/kspay-<UTC time>.sqlite` (or
 * `.dump` for PostgreSQL) unless given a file.
 *
 * SQLite: the online backup API (better-sqlite3's `db.backup()`), page by page from a read
 * transaction: WAL mode lets the server keep writing, and the copy is one committed state. The
 * copy is then opened and must pass `integrity_check` before the path is printed.
 * PostgreSQL: `pg_dump --format=custom` (one snapshot of the whole database), then
 * `pg_restore --list` must read the archive back.
 */
function stamp(): string {
  return new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
}

async function backupSqlite(source: string, target: string): Promise<void> {
  if (!fs.existsSync(source)) throw new Error(`no database at ${source} (is DATA_DIR right?)`);
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Everything left in one step (the largest count better-sqlite3 passes on): a writer that
    // commits between steps makes SQLite restart the copy, and many small steps under steady
    // writes could restart forever. One step is one read transaction: one committed state.
    await db.backup(target, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const copy = new SQLite(target, { readonly: true });
  try {
    const check = String(copy.pragma('integrity_check', { simple: true }));
    if (check !== 'ok') throw new Error(`the copy failed integrity_check: ${check}`);
  } finally {
    copy.close();
  }
}

function backupPostgres(url: string, target: string): void {
  execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${target}`, url], {
    stdio: ['ignore', 'inherit', 'inherit']
  });
  execFileSync('pg_restore', ['--list', target], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const postgres = config.databaseUrl !== undefined;
  const target = path.resolve(
    process.argv[2] ??
      path.join(config.dataDir, 'backups', `kspay-${stamp()}.${postgres ? 'dump' : 'sqlite'}`)
  );
  if (fs.existsSync(target)) throw new Error(`${target} exists; a backup never overwrites`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (config.databaseUrl) backupPostgres(config.databaseUrl, target);
  else await backupSqlite(path.join(config.dataDir, 'kspay.sqlite'), target);
  // eslint-disable-next-line no-console -- the one line the operator needs: where it went
  console.log(target);
}

main().catch((err: unknown) => {
  // eslint-disable-next-line no-console -- a CLI's failure goes to stderr, not to the app log
  console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
