import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import type { PullResponse } from '@kspay/shared/apps';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { create, fields, newAppId, newClientId } from './helpers/apps';
import { describeWithPostgres, emptyDatabase } from './helpers/processes';
import {
  cookieOf,
  ownBusinessId,
  request,
  signUpOverHttp,
  spawnServer,
  type Spawned
} from './helpers/spawned-server';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** What a backup must hold: every sync client with its one app, and nothing half-written. */
interface Rows {
  apps: { id: string; version: number }[];
  clients: { id: string; last: number }[];
  merchantVersion: number;
}

/**
 * A merchant registering apps through sync, one new client per app, as fast as the server
 * answers, until stopped: each acknowledged app is committed together with its client's
 * counter, so a consistent copy has both or neither.
 */
function writer(base: string, cookie: string) {
  const acked: { appId: string; clientId: string; at: number }[] = [];
  let running = true;
  const done = (async () => {
    const businessId = await ownBusinessId(base, cookie);
    for (let i = 0; running; i++) {
      const appId = newAppId();
      const clientId = newClientId();
      const res = await request(base, 'POST', '/api/sync/push', {
        cookie,
        body: {
          businessId,
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [create(1, appId, fields({ name: `Backup shop ${i}` }))]
        }
      });
      expect(res.status).toBe(200);
      acked.push({ appId, clientId, at: Date.now() });
    }
  })();
  return {
    acked,
    stop: async () => {
      running = false;
      await done;
    }
  };
}

/** `pnpm backup` from the repository root, as an operator runs it; answers the file it wrote. */
async function pnpmBackup(env: Record<string, string>): Promise<string> {
  const { stdout } = await run('pnpm', ['--silent', 'backup'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env }
  });
  return stdout.trim().split('\n').at(-1) ?? '';
}

function expectConsistent(rows: Rows, ackedBefore: { appId: string; clientId: string }[]) {
  const apps = new Set(rows.apps.map((a) => a.id));
  for (const a of ackedBefore) expect(apps.has(a.appId), `committed ${a.appId}`).toBe(true);
  // One transaction wrote each app with its client's counter: never one without the other.
  expect(rows.apps.length).toBe(rows.clients.filter((c) => c.last === 1).length);
  expect(Math.max(...rows.apps.map((a) => a.version))).toBeLessThanOrEqual(rows.merchantVersion);
}

async function signUp(base: string, dataDir: string) {
  const res = await signUpOverHttp(base, dataDir, {
    name: 'Backup',
    email: 'backup@example.com',
    password: 'a long backup passphrase'
  });
  expect(res.status).toBe(200);
  return cookieOf(res);
}

async function pulledIds(base: string, cookie: string): Promise<Set<string>> {
  const res = await request(base, 'POST', '/api/sync/pull', {
    cookie,
    body: {
      businessId: await ownBusinessId(base, cookie),
      clientId: newClientId(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      cursor: 0,
      rejectionsAfter: 0
    }
  });
  return new Set(((await res.json()) as PullResponse).apps.map((a) => a.id));
}

/**
 * `pnpm backup` while the server takes writes: the copy opens, passes integrity_check, holds
 * every row committed before it started and is one consistent state; a server started on the
 * restored copy (docs/operations.md) serves those rows.
 */
describe('online backup [sqlite]', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-backup-'));
  const restored = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-restored-'));
  const servers: Spawned[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL');
      await s.exited;
    }
    for (const d of [dir, restored]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('copies a consistent, complete database while writes go on', async () => {
    const server = await spawnServer({ DATA_DIR: dir, PASSWORD_HASH_LN: '12' });
    servers.push(server);
    const cookie = await signUp(server.base, dir);
    const w = writer(server.base, cookie);
    while (w.acked.length < 30) await new Promise((r) => setTimeout(r, 20));

    const startedAt = Date.now();
    const ackedBefore = [...w.acked];
    const file = await pnpmBackup({ DATA_DIR: dir });
    const endedAt = Date.now();
    await w.stop();
    expect(w.acked.filter((a) => a.at > startedAt && a.at < endedAt).length).toBeGreaterThan(0);

    expect(path.dirname(file)).toBe(path.join(dir, 'backups'));
    expect(path.basename(file)).toMatch(/^kspay-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sqlite$/);
    const copy = new SQLite(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expectConsistent(
      {
        apps: copy.prepare('select id, version from apps').all() as Rows['apps'],
        clients: copy
          .prepare('select id, last_mutation_id as last from sync_clients')
          .all() as Rows['clients'],
        merchantVersion: (
          copy.prepare('select max(version) as v from merchant_versions').get() as { v: number }
        ).v
      },
      ackedBefore
    );
    copy.close();

    // Restore: the copy becomes kspay.sqlite of a (stopped) server's DATA_DIR.
    fs.copyFileSync(file, path.join(restored, 'kspay.sqlite'));
    const again = await spawnServer({ DATA_DIR: restored, PASSWORD_HASH_LN: '12' });
    servers.push(again);
    const ids = await pulledIds(again.base, cookie);
    for (const a of ackedBefore) expect(ids.has(a.appId)).toBe(true);
  }, 120_000);
});

describeWithPostgres('online backup [postgres]', () => {
  const servers: Spawned[] = [];
  const drops: (() => Promise<unknown>)[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-backup-'));
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL');
      await s.exited;
    }
    for (const drop of drops) await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pg_dump while writes go on; pg_restore into an empty database serves the same rows', async () => {
    const source = await emptyDatabase();
    drops.push(source.drop);
    const server = await spawnServer({
      DATA_DIR: dir,
      DATABASE_URL: source.url,
      PASSWORD_HASH_LN: '12'
    });
    servers.push(server);
    const cookie = await signUp(server.base, dir);
    const w = writer(server.base, cookie);
    while (w.acked.length < 30) await new Promise((r) => setTimeout(r, 20));
    const ackedBefore = [...w.acked];
    const file = await pnpmBackup({ DATA_DIR: dir, DATABASE_URL: source.url });
    await w.stop();
    expect(path.basename(file)).toMatch(/^kspay-.*\.dump$/);

    const target = await emptyDatabase();
    drops.push(target.drop);
    await run('pg_restore', ['--no-owner', `--dbname=${target.url}`, file]);
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    try {
      expectConsistent(
        {
          apps: (
            await c.query<{ id: string; version: number }>('select id, version::int from apps')
          ).rows,
          clients: (
            await c.query<{ id: string; last: number }>(
              'select id, last_mutation_id::int as last from sync_clients'
            )
          ).rows,
          merchantVersion: Number(
            (await c.query<{ v: string }>('select max(version) as v from merchant_versions'))
              .rows[0]?.v
          )
        },
        ackedBefore
      );
    } finally {
      await c.end();
    }
    const again = await spawnServer({
      DATA_DIR: dir,
      DATABASE_URL: target.url,
      PASSWORD_HASH_LN: '12'
    });
    servers.push(again);
    const ids = await pulledIds(again.base, cookie);
    for (const a of ackedBefore) expect(ids.has(a.appId)).toBe(true);
  }, 120_000);
});
