import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createServices } from '../services';
import { userStore } from '../store/users';
import { DemoClock } from './clock';
import { DEMO_EMAIL, seedDemo, type DemoSeed } from './seed';
import type { Mailer } from '../lib/mailer';

/**
 * `pnpm demo`: the app on SQLite in its own data directory (default `data-demo/` at the
 * repository root), seeded once with a demo merchant, two apps with keys and a few thousand
 * sandbox payments over the past 60 days. Re-running reuses what is there; `DEMO_RESET=1`
 * starts over. Environment: DEMO_DATA_DIR, DEMO_TRANSACTIONS (default 3000), DEMO_DAYS (60),
 * PORT, LOG_LEVEL (default warn: seeding makes thousands of requests).
 */

/** What a finished seed leaves behind (`demo.json`): how to sign in, and which apps exist. */
export interface DemoState {
  email: string;
  password: string;
  apps: { id: string; name: string; publicKey: string }[];
  transactions: number;
  days: number;
  seededAt: string;
}

const MARKER = 'demo.json';
const DB_FILES = ['kspay.sqlite', 'kspay.sqlite-wal', 'kspay.sqlite-shm'];

export const DEFAULT_DEMO_DIR = path.resolve(import.meta.dirname, '../../../data-demo');

function readState(dataDir: string): DemoState | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, MARKER), 'utf8')) as DemoState;
  } catch {
    return null;
  }
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = Number(env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

export async function startDemo(
  env: NodeJS.ProcessEnv = process.env,
  hooks: { onProgress?: (done: number, total: number) => void } = {}
) {
  const dataDir = path.resolve(env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  let state = env.DEMO_RESET === '1' ? null : readState(dataDir);
  // No marker means no finished seed here (first run, reset, or an interrupted seed): the
  // directory is the demo's own, so its database is dropped and seeded from scratch.
  if (!state) {
    for (const f of [MARKER, ...DB_FILES]) fs.rmSync(path.join(dataDir, f), { force: true });
  }

  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn'
  });
  const clock = new DemoClock();
  const base = await createServices(config);
  // The demo merchant's own verification link is opened by the seed, not left in the outbox.
  const links = new Map<string, string>();
  const mailer: Mailer = {
    send(mail) {
      const token = /\/verify-email#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      if (token && mail.to === DEMO_EMAIL) {
        links.set(mail.to, token);
        return Promise.resolve();
      }
      return base.mailer.send(mail);
    }
  };
  const services = { ...base, clock, mailer };
  const app = createApp(services);

  let seeded: DemoSeed | null = null;
  if (state && !(await userStore(services.db, clock).findByEmail(state.email))) {
    throw new Error(`${dataDir} does not hold the demo it describes; run with DEMO_RESET=1`);
  }
  if (!state) {
    const days = count(env, 'DEMO_DAYS', 60);
    const transactions = count(env, 'DEMO_TRANSACTIONS', 3000);
    seeded = await seedDemo((p, init) => app.request(p, init), clock, {
      transactions,
      days,
      seed: 2026,
      origin: config.publicOrigin,
      verificationToken: (email) => links.get(email) ?? '',
      onProgress: (n) => hooks.onProgress?.(n, transactions),
      progressEvery: 500
    });
    state = {
      email: seeded.email,
      password: seeded.password,
      apps: seeded.apps.map(({ id, name, publicKey }) => ({ id, name, publicKey })),
      transactions: seeded.transactions,
      days,
      seededAt: new Date().toISOString()
    };
    // Written last: its presence says the seed finished. Local demo credentials, owner-only.
    fs.writeFileSync(path.join(dataDir, MARKER), JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  return { app, services, config, dataDir, state, seeded, close: () => services.db.close() };
}

/** The lines a person starting the demo reads. Secrets appear only on the run that made them. */
export function demoBanner(d: Awaited<ReturnType<typeof startDemo>>): string {
  const { state, seeded, config } = d;
  const lines = [
    '',
    `KS Pay demo: ${config.publicOrigin}`,
    `  Sign in:   ${state.email}`,
    `  Password:  ${state.password}`,
    ...state.apps.map(
      (a, i) => `  ${i === 0 ? 'Apps:     ' : '          '} ${a.name} (${a.id})  ${a.publicKey}`
    )
  ];
  if (seeded) {
    lines.push('  Secret keys, shown this once (regenerate under Settings if lost):');
    for (const a of seeded.apps) lines.push(`             ${a.id}  ${a.secretKey}`);
  }
  lines.push(
    `  Data:      ${state.transactions} sandbox payments over the past ${state.days} days, ` +
      `${seeded ? 'made just now' : `made ${state.seededAt}`} in ${d.dataDir}`,
    '             (DEMO_RESET=1 pnpm demo starts over)',
    ''
  );
  return lines.join('\n');
}
