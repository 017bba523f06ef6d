import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001_accounts';
import * as m002 from './migrations/002_apps';
import * as m003 from './migrations/003_keys';
import * as m004 from './migrations/004_metrics';
import * as m005 from './migrations/005_time_zone';
import * as m006 from './migrations/006_history_status';
import * as m007 from './migrations/007_signature_digest';
import * as m008 from './migrations/008_local_days';
import * as m009 from './migrations/009_email_verification';
import * as m010 from './migrations/010_mfa';
import * as m011 from './migrations/011_profile';
import * as m012 from './migrations/012_teams';
import * as m013 from './migrations/013_invites';

/**
 * Migrations are listed here in order, never edited once landed: a change is a new file.
 * Each one is written to run unchanged on SQLite and PostgreSQL.
 */
const migrations: Record<string, Migration> = {
  '001_accounts': m001,
  '002_apps': m002,
  '003_keys': m003,
  '004_metrics': m004,
  '005_time_zone': m005,
  '006_history_status': m006,
  '007_signature_digest': m007,
  '008_local_days': m008,
  '009_email_verification': m009,
  '010_mfa': m010,
  '011_profile': m011,
  '012_teams': m012,
  '013_invites': m013
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  await migrateTo(db, Object.keys(migrations).at(-1) ?? '');
}

/** Migrates up to and including `name` (migration tests build an older schema with it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
