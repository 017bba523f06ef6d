import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

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

const SERVER_DIR = path.resolve(import.meta.dirname, '../..');
/** The origin every spawned server believes it is served from (requests send it as Origin). */
export const SPAWNED_ORIGIN = 'http://localhost:8787';

export interface Spawned {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  logs: string[];
  pid: number;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * The real server (`src/main.ts` through tsx, as `pnpm start` runs the API) in a process, on the
 * data directory or database the caller names, so a test can kill it and start another on the
 * same data. Resolves once `/api/health` answers.
 */
export async function spawnServer(env: {
  DATA_DIR: string;
  DATABASE_URL?: string;
  PASSWORD_HASH_LN?: string;
  [name: string]: string | undefined;
}): Promise<Spawned> {
  const port = await freePort();
  const logs: string[] = [];
  // `node --import tsx`, not the `tsx` binary: that one runs the server in a CHILD process and
  // forwards signals to it, but SIGKILL cannot be forwarded — it would kill the wrapper and
  // leave the real server running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_ROOT: '',
      PUBLIC_ORIGIN: SPAWNED_ORIGIN,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${logs.join('')}`);
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port,
    logs,
    pid: child.pid ?? 0,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  };
}

/** A JSON request as the web app or a merchant's backend sends it (Origin on writes). */
export async function request(
  base: string,
  method: string,
  url: string,
  opts: { body?: unknown; cookie?: string; token?: string; headers?: Record<string, string> } = {}
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (method !== 'GET') headers.origin = SPAWNED_ORIGIN;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return fetch(`${base}${url}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
  });
}

/** `name=value` of the session cookie a response sets. */
export function cookieOf(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('kspay_session='));
  const pair = set?.split(';')[0];
  if (!pair) throw new Error(`no session cookie (status ${res.status})`);
  return pair;
}

/**
 * The token of the "Verify your email" link the server (without SMTP) wrote for `email` under
 * `DATA_DIR/mail/`; waits for the file, since mail goes out after the answer.
 */
export async function outboxVerificationToken(dataDir: string, email: string): Promise<string> {
  const dir = path.join(dataDir, 'mail');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.endsWith(`-${email}.txt`))
      : [];
    for (const f of files.sort().reverse()) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const token =
        /Subject: Verify your email[\s\S]*\/verify-email#token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
      if (token) return token;
    }
    if (Date.now() > deadline) throw new Error(`no verification mail for ${email} in ${dir}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sign-up over HTTP, then the link from the outbox: answers the link's (signed-in) response. */
export async function signUpOverHttp(
  base: string,
  dataDir: string,
  body: { name: string; email: string; password: string }
): Promise<Response> {
  const up = await request(base, 'POST', '/api/auth/sign-up', { body });
  if (up.status !== 202) throw new Error(`sign-up answered ${up.status}: ${await up.text()}`);
  const token = await outboxVerificationToken(dataDir, body.email);
  return request(base, 'POST', '/api/auth/verify-email', { body: { token } });
}

/** The id of the business sign-up made for the cookie's account (its first membership). */
export async function ownBusinessId(base: string, cookie: string): Promise<string> {
  const res = await request(base, 'GET', '/api/businesses', { cookie });
  const { businesses } = (await res.json()) as { businesses: { id: string }[] };
  const id = businesses[0]?.id;
  if (!id) throw new Error(`no business (status ${res.status})`);
  return id;
}
