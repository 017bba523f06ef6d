import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_DIR = path.join(ROOT, 'server');
const WEB_BUILD = path.join(ROOT, 'web/build/index.html');

/** The built server's entries (server/build.mjs), as `pnpm start` and `pnpm demo` run them. */
const ENTRIES = { main: 'dist/main.js', demo: 'dist/demo/main.js' } as const;

export interface ServerOptions {
  env?: Record<string, string>;
  /** Reuse a data directory (restart tests); a fresh temporary one otherwise. */
  dataDir?: string;
  /** `main` (`pnpm start`), or `demo` (`pnpm demo`: seeds a merchant first). */
  entry?: keyof typeof ENTRIES;
}

/**
 * The real server as a child process on a free loopback port: the built server (plain `node`
 * on server/dist) serving the production build of the SPA and the API on one origin, exactly
 * as `pnpm start` does. Logs are kept in memory so
 * tests can scan them (e.g. for secrets).
 */
export async function startServer(opts: ServerOptions = {}) {
  const entry = ENTRIES[opts.entry ?? 'main'];
  for (const built of [WEB_BUILD, path.join(SERVER_DIR, entry)]) {
    if (!fs.existsSync(built)) {
      throw new Error(`${built} is missing: run \`pnpm build\` before the end-to-end tests`);
    }
  }
  const port = await freePort();
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-e2e-'));
  const origin = `http://localhost:${port}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_ORIGIN: origin,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      ...opts.env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  // The demo entry seeds its payments before it listens; on a machine running two stacks at
  // once that can take a while. The loop ends as soon as the server answers.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}:\n${logs.join('')}`);
    }
    try {
      const res = await fetch(`${origin}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${logs.join('')}`);
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    origin,
    port,
    dataDir,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    }
  };
}
export type TestServer = Awaited<ReturnType<typeof startServer>>;
