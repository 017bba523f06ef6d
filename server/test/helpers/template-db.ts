import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb } from '../../src/db';

/**
 * Migrated template databases, so a test's fresh database is a copy (a SQLite file copy, a
 * PostgreSQL `CREATE DATABASE … TEMPLATE`) instead of running every migration again: the copy
 * holds exactly the tables, indexes and migration rows the migrator would have written.
 *
 * A template is named by a hash of the migration sources and the migration it stops at, so a
 * changed or added migration makes a new template, and worktrees or runs with different
 * migrations sharing one PostgreSQL server or temp directory never use each other's. Templates
 * are kept between runs (a few hundred kB each); `kspay_tpl_*` databases and
 * `$TMPDIR/kspay-template-*.sqlite` files may be deleted at any time.
 */
const DB_SRC = path.resolve(import.meta.dirname, '../../src/db');

function schemaKey(upTo: string | undefined): string {
  const hash = createHash('sha256');
  const migrations = path.join(DB_SRC, 'migrations');
  for (const file of [
    path.join(DB_SRC, 'migrate.ts'),
    ...fs
      .readdirSync(migrations)
      .sort()
      .map((f) => path.join(migrations, f))
  ]) {
    hash.update(path.basename(file)).update(fs.readFileSync(file));
  }
  hash.update(upTo ?? 'latest');
  return hash.digest('hex').slice(0, 16);
}

const sqliteTemplates = new Map<string, Promise<string>>();

/** The path of a migrated SQLite template file (made once, by whichever process comes first). */
export function sqliteTemplate(upTo: string | undefined): Promise<string> {
  const key = schemaKey(upTo);
  let made = sqliteTemplates.get(key);
  if (!made) {
    made = makeSqliteTemplate(key, upTo);
    sqliteTemplates.set(key, made);
  }
  return made;
}

async function makeSqliteTemplate(key: string, upTo: string | undefined): Promise<string> {
  const target = path.join(os.tmpdir(), `kspay-template-${key}.sqlite`);
  if (fs.existsSync(target)) return target;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-template-'));
  try {
    const file = path.join(dir, 'template.sqlite');
    const db = await openDb({ sqliteFile: file, ...(upTo ? { upTo } : {}) });
    // Closing the last connection checkpoints the WAL into the file and removes it.
    await db.close();
    if (fs.existsSync(`${file}-wal`)) throw new Error(`${file}: WAL not checkpointed on close`);
    // A rename is atomic: another process sees no file or a whole one.
    fs.renameSync(file, target);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return target;
}

/** Waits until no session is connected to `name` (pg's `pool.end()` resolves before its sockets close). */
export async function connectionsGone(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = $1',
      [name]
    );
    if (rows[0]?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Any fixed number: the advisory lock that lets one process at a time make a template. */
const TEMPLATE_LOCK = 0x6b737079;
const pgTemplates = new Map<string, Promise<string>>();

/**
 * The name of a migrated PostgreSQL template database on the server `adminUrl` names. It is
 * marked a template only once fully migrated, and takes no connections after that, so a copy
 * can be made of it at any time, by any number of processes at once.
 */
export function pgTemplate(adminUrl: string, upTo: string | undefined): Promise<string> {
  const key = schemaKey(upTo);
  let made = pgTemplates.get(key);
  if (!made) {
    made = makePgTemplate(adminUrl, `kspay_tpl_${key}`, upTo);
    pgTemplates.set(key, made);
  }
  return made;
}

async function makePgTemplate(adminUrl: string, name: string, upTo: string | undefined) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await admin.query(
      'select 1 from pg_database where datname = $1 and datistemplate',
      [name]
    );
    if (rowCount === 0) {
      // A database of that name that is not yet a template is one whose maker stopped midway.
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openDb({ databaseUrl: url.toString(), ...(upTo ? { upTo } : {}) });
      await db.close();
      await connectionsGone(admin, name);
      await admin.query(`alter database ${name} with is_template true allow_connections false`);
    }
    return name;
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}
