import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const BENCH_DIR = path.resolve(import.meta.dirname, '../..');
export const ROOT = path.resolve(BENCH_DIR, '..');

export interface Merchant {
  userId: string;
  /** `name=value` of a live session cookie. */
  cookie: string;
}

export interface Fixtures {
  payments: Merchant;
  pull: Merchant;
  push: Merchant;
  /** Emails of seeded users, all with the runner's password (production hashing cost). */
  signIn: string[];
  /** BENCH_SYNC_MERCHANTS merchants, each with its own business (the scale-out section's). */
  browsers: Merchant[];
  database: 'sqlite' | 'postgres';
}

export interface BenchServer {
  origin: string;
  pid: number;
  fixtures: Fixtures;
  /** The server's log (JSON lines), for a look after a surprising figure. */
  logFile: string;
  /** Its SQLite file (null on PostgreSQL), which the bare process's floor route reads too. */
  sqliteFile: string | null;
  /** Peak and current resident set size of the server process, in bytes (Linux /proc). */
  memory(): { peak: number; current: number };
  /** CPU time (user + system) the server process has used so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function statusKb(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return Number(m?.[1] ?? 0) * 1024;
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Starts `src/server/main.ts` as its own Node process (node --import tsx, so the pid is the
 * server's and its RSS is the server's alone), on loopback, and waits for its fixtures.
 */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-bench-'));
  // Logs go to a file, as production's go to a collector that keeps up: a pipe this process
  // drains between autocannon's own work would fill up and stall the server's writes.
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  // BENCH_SERVER_FLAGS: extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp`.
  const flags = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  // --expose-gc only lets /bench/memory collect before it reports the heap; nothing else.
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...flags, '--import', 'tsx', 'src/server/main.ts'],
    {
      cwd: BENCH_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        PUBLIC_ORIGIN: origin,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        WEB_ROOT: '',
        // Production's level: one JSON line per request is part of the measured cost.
        LOG_LEVEL: 'info',
        ...env
      },
      stdio: ['ignore', log, log, 'ipc']
    }
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const fixtures = await new Promise<Fixtures>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Fixtures));
    child.once('exit', (code) =>
      reject(new Error(`bench server exited (${code}):\n${fs.readFileSync(logFile, 'utf8')}`))
    );
  });
  child.disconnect();
  const pid = child.pid ?? 0;
  return {
    origin,
    pid,
    fixtures,
    logFile,
    sqliteFile: fixtures.database === 'sqlite' ? path.join(dataDir, 'kspay.sqlite') : null,
    memory: () => ({ peak: statusKb(pid, 'VmHWM'), current: statusKb(pid, 'VmRSS') }),
    cpuMs: () => cpuMs(pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  };
}

/** A process the benchmarks load: where it answers, its CPU time so far, and how to stop it. */
export interface LoadedProcess {
  origin: string;
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Starts `src/server/bare.ts` (benchmark 1's peer: a bare Hono app, no project code) as its
 * own Node process, started as the bench server is, and waits until it listens. Given the
 * measured server's SQLite file, it also answers the floor route `/bench/one-read`.
 */
export async function startBareServer(sqliteFile: string | null): Promise<LoadedProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/bare.ts'], {
    cwd: BENCH_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      ...(sqliteFile ? { BENCH_SQLITE_FILE: sqliteFile } : {})
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare Hono process exited (${code})`)));
  });
  child.disconnect();
  const pid = child.pid ?? 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    cpuMs: () => cpuMs(pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  };
}

export const PG_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A throw-away PostgreSQL database, or null (with the reason) when none is reachable. */
export async function throwAwayPostgres(): Promise<
  { url: string; drop(): Promise<void> } | { error: string }
> {
  const name = `kspay_bench_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin(`create database ${name}`);
  } catch (err) {
    return { error: `PostgreSQL not reachable at ${PG_ADMIN_URL}: ${String(err)}` };
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`)
  };
}
