import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { describe } from 'vitest';
import { createApp } from '../../src/app';
import { DEFAULT_RATE_LIMITS, type Config, type RateLimits } from '../../src/config';
import { openDb, type Dialect } from '../../src/db';
import type { Services } from '../../src/env';
import { FakeClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/log';
import type { Mail, Mailer } from '../../src/lib/mailer';
import { usageRecorder } from '../../src/usage/recorder';
import { connectionsGone, pgTemplate, sqliteTemplate } from './template-db';

/**
 * PostgreSQL for tests: `TEST_DATABASE_URL` names a database the tests may use to create and
 * drop their own throw-away databases (default: the local `postgres` database). Under CI=true a
 * missing PostgreSQL fails the run; elsewhere its suites are skipped with a loud warning.
 */
export const PG_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: boolean | undefined;
async function postgresAvailable(): Promise<boolean> {
  if (pgAvailable !== undefined) return pgAvailable;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    pgAvailable = true;
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required under CI=true but ${PG_ADMIN_URL} failed`, {
        cause: err
      });
    }
    console.warn(`\n!!! PostgreSQL not reachable at ${PG_ADMIN_URL}: its suites are SKIPPED\n`);
    pgAvailable = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return pgAvailable;
}

export const dialects: Dialect[] = ['sqlite', 'postgres'];
const available = { sqlite: true, postgres: await postgresAvailable() };

/** Runs the same suite on SQLite and PostgreSQL: `describeEachDialect('sessions', (dialect) => …)`. */
export function describeEachDialect(name: string, fn: (dialect: Dialect) => void): void {
  for (const dialect of dialects) {
    describe.skipIf(!available[dialect])(`${name} [${dialect}]`, () => fn(dialect));
  }
}

/**
 * A fresh, empty, migrated database of the given dialect (up to `upTo` if given, else the
 * latest migration), copied from a migrated template (`template-db.ts`); `drop()` removes it.
 */
export async function freshDatabase(dialect: Dialect, upTo?: string) {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-test-'));
    const file = path.join(dir, 'test.sqlite');
    fs.copyFileSync(await sqliteTemplate(upTo), file);
    const db = await openDb({ sqliteFile: file, ...(upTo ? { upTo } : {}) });
    return {
      db,
      file,
      url: undefined as string | undefined,
      async drop() {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const name = `kspay_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = await pgTemplate(PG_ADMIN_URL, upTo);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), ...(upTo ? { upTo } : {}) });
  return {
    db,
    file: undefined as string | undefined,
    url: url.toString(),
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      // Dropping WITH (FORCE) under a session that is still closing makes its client emit an
      // unhandled 'error'. Let them go.
      await connectionsGone(a, name);
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    }
  };
}

export class CapturingMailer implements Mailer {
  readonly sent: Mail[] = [];
  send(mail: Mail): Promise<void> {
    this.sent.push(mail);
    return Promise.resolve();
  }
}

export const TEST_ORIGIN = 'http://localhost:8787';
/** A fixed AES key for TOTP secrets in tests (32 bytes, base64url). */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64url');

/** Every rate limit out of the way, so hostile or random bodies reach validation and handlers. */
export const NO_RATE_LIMITS = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { max: 1_000_000, windowMs: 60_000 }])
) as unknown as RateLimits;

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 8787,
    publicOrigin: TEST_ORIGIN,
    allowedOrigins: [TEST_ORIGIN],
    databaseUrl: undefined,
    dataDir: os.tmpdir(),
    smtpUrl: undefined,
    mailFrom: 'KS Pay <no-reply@kspay.test>',
    logLevel: 'info',
    webRoot: undefined,
    trustProxy: false,
    // N=2^10 keeps tests fast; password.defaults.test.ts checks the production cost.
    passwordHashing: { ln: 10, r: 8, p: 1 },
    rateLimits: DEFAULT_RATE_LIMITS,
    secretsKey: TEST_SECRETS_KEY,
    webhooks: { allowPrivateNetworks: true, worker: false },
    requestLogs: true,
    ...overrides
  };
}

/**
 * A whole in-process server on a fresh database: `app.request()` drives it, `logs` holds every
 * log line (to assert no secret is logged), `mailer.sent` every email, `clock` moves time.
 */
export async function testServer(dialect: Dialect, overrides: Partial<Services> = {}) {
  const database = await freshDatabase(dialect);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    }
  });
  const clock = new FakeClock(new Date());
  const mailer = new CapturingMailer();
  const log = createLogger('debug', sink);
  const services: Services = {
    config: testConfig(),
    db: database.db,
    log,
    clock,
    mailer,
    // Written only when a test flushes (or closes): no background write lands between the
    // snapshots that assert a request changed nothing — neither the timer's nor a full
    // batch's (production writes 64 rows at once; the hostile suites make thousands).
    usage: usageRecorder(database.db, overrides.clock ?? clock, log, {
      logs: true,
      flushEveryMs: 24 * 60 * 60 * 1000,
      batchRows: 1_000_000
    }),
    ...overrides
  };
  const app = createApp(services);
  const close = async () => {
    await services.usage.close();
    await database.drop();
  };
  return { app, services, clock, mailer, logs, database, close };
}
