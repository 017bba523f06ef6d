import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { create, newAppId, newClientId } from './apps';
import { PG_ADMIN_URL } from './services';
import { outboxVerificationToken, spawnServer } from './spawned-server';

/**
 * Real server processes (`spawnServer`: `src/main.ts` as `pnpm start` runs the API) on one
 * throw-away PostgreSQL database, for the multi-process suites. Every process gets the same
 * PUBLIC_ORIGIN, as processes behind one load balancer do: a browser sees one origin.
 */
export const SHARED_ORIGIN = 'http://localhost:8787';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required under CI=true but ${PG_ADMIN_URL} failed`, {
        cause: err
      });
    }
    console.warn(
      `\n!!! PostgreSQL not reachable at ${PG_ADMIN_URL}: multi-process suites SKIPPED\n`
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reachable = await postgresReachable();

/** A suite that needs PostgreSQL: failed under CI=true without one, skipped loudly elsewhere. */
export function describeWithPostgres(name: string, fn: () => void): void {
  describe.skipIf(!reachable)(name, fn);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An EMPTY database (the processes migrate it themselves, concurrently, as a deploy would). */
export async function emptyDatabase() {
  const name = `kspay_mp_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`))
  };
}

export interface ServerProcess {
  /** Where to send requests: `http://127.0.0.1:<port>`. */
  base: string;
  logs: string[];
  /** Its DATA_DIR: without SMTP its mail is written under `mail/`. */
  dataDir: string;
  stop(): Promise<void>;
}

/** One API-only server process on its own data directory; resolves once `/api/health` answers. */
export async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-mp-'));
  const server = await spawnServer({ PUBLIC_ORIGIN: SHARED_ORIGIN, DATA_DIR: dataDir, ...env });
  return {
    base: server.base,
    logs: server.logs,
    dataDir,
    async stop() {
      server.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/** N processes started at the same time on one fresh database; `stop()` also drops it. */
export async function startCluster(n: number, env: Record<string, string> = {}) {
  const database = await emptyDatabase();
  const procs = await Promise.all(
    Array.from({ length: n }, () => startProcess({ DATABASE_URL: database.url, ...env }))
  );
  return {
    procs,
    url: database.url,
    /** Log lines at pino's `error` level or above, from any process: each one is a bug. */
    errors: () => procs.flatMap((p) => p.logs).filter((l) => /"level":(50|60)/.test(l)),
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await database.drop();
    }
  };
}

/**
 * A browser-like client that alternates between processes: one cookie jar, the shared
 * Origin on every state-changing request, JSON bodies.
 */
export class Client {
  cookie = '';
  /** The account's own business (its first membership), once `signUpClient` has run. */
  businessId = '';

  async req(
    proc: ServerProcess,
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (method !== 'GET') h.origin = SHARED_ORIGIN;
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie && !url.startsWith('/v1')) h.cookie = this.cookie;
    const res = await fetch(`${proc.base}${url}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('kspay_session='));
    const pair = set?.split(';')[0];
    if (pair !== undefined) this.cookie = pair === 'kspay_session=' ? '' : pair;
    return res;
  }

  async json<T>(
    proc: ServerProcess,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<{ status: number; body: T }> {
    const res = await this.req(proc, method, url, body, headers);
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  }
}

/**
 * Signs `client` up through `via` as a merchant does: the form, then the verification link
 * from that process's outbox (which signs in). Answers the link's response.
 */
export async function signUpClient(
  client: Client,
  via: ServerProcess,
  body: { name: string; email: string; password: string }
): Promise<Response> {
  const up = await client.req(via, 'POST', '/api/auth/sign-up', body);
  if (up.status !== 202) throw new Error(`sign-up answered ${up.status}: ${await up.text()}`);
  const token = await outboxVerificationToken(via.dataDir, body.email);
  const verified = await client.req(via, 'POST', '/api/auth/verify-email', { token });
  if (verified.status === 200) {
    const own = await client.json<{ businesses: { id: string }[] }>(via, 'GET', '/api/businesses');
    client.businessId = own.body.businesses[0]?.id ?? '';
  }
  return verified;
}

/**
 * Two processes on one fresh database for a file's tests (`env` added to each process's, at a
 * password cost that lets a file sign up many merchants quickly): started before the tests,
 * stopped after them, and then any error-level log line from either process fails the file,
 * as nothing a merchant or an attacker does may be a server error.
 */
export function useCluster(env: Record<string, string> = {}) {
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  beforeAll(async () => {
    cluster = await startCluster(2, { PASSWORD_HASH_LN: '12', ...env });
  }, 60_000);
  afterAll(async () => {
    const errors = cluster?.errors();
    await cluster?.stop();
    expect(errors ?? []).toEqual([]);
  });
  const started = () => {
    if (!cluster) throw new Error('the cluster has not started');
    return cluster;
  };
  return {
    /** Both processes, in order: round-robin picks `procs[i % 2]`. */
    get procs() {
      return started().procs as [ServerProcess, ServerProcess];
    },
    get a() {
      return this.procs[0];
    },
    get b() {
      return this.procs[1];
    },
    /** The shared database, for reading or changing it behind the processes' backs. */
    get url() {
      return started().url;
    }
  };
}

let signUps = 0;
/** A new merchant signed up (and signed in) through `via`, with a unique address. */
export async function signedUpClient(via: ServerProcess, name = 'M') {
  const client = new Client();
  const email = `mp${++signUps}-${process.pid}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const res = await signUpClient(client, via, { name, email, password });
  expect(res.status).toBe(200);
  const { user } = (await res.json()) as { user: { id: string } };
  return { client, email, password, userId: user.id };
}

/** Creates an app in the client's business through sync on `via`; answers its id. */
export async function pushNewApp(client: Client, via: ServerProcess): Promise<string> {
  const appId = newAppId();
  const pushed = await client.req(via, 'POST', '/api/sync/push', {
    businessId: client.businessId,
    clientId: newClientId(),
    schemaVersion: SYNC_SCHEMA_VERSION,
    mutations: [create(1, appId)]
  });
  expect(pushed.status).toBe(200);
  return appId;
}
