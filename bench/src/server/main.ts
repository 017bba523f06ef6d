/**
 * The benchmark's server process: the PRODUCTION app (`createApp(services)`, the real config
 * and database code), plus a few routes under `/bench/` that exist only here, never in the
 * product: the bare route the payments API is compared with, and the sync page's files.
 *
 * Environment: PORT, DATABASE_URL (empty: SQLite in DATA_DIR), WEB_ROOT, BENCH_PAGE_DIR, and
 * BENCH_USERS sign-in users to seed with the hash BENCH_PASSWORD_HASH (made by the runner, so
 * this process never runs scrypt before benchmark 1 and its peak RSS is benchmark 1's), and
 * BENCH_SYNC_MERCHANTS merchants with a live session each for the scale-out section's browsers.
 * Sends its fixtures to the runner over the IPC channel once listening.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { getPath } from 'hono/utils/url';
import {
  createApp,
  loadConfig,
  createServices,
  sessionCookieName,
  sessionStore,
  userStore
} from '@kspay/server/testing';

const config = loadConfig();
const services = await createServices(config);
const api = createApp(services);

const users = userStore(services.db, services.clock);
const sessions = sessionStore(services.db, services.clock);
const run = Date.now().toString(36);

/** One merchant with a live session per purpose: payments, sync pull, sync push. */
async function merchant(label: string) {
  const user = await users.create({
    email: `${label}-${run}@bench.example`,
    name: label,
    passwordHash: 'not-used'
  });
  // Key generation needs a verified address (as for any merchant).
  await users.markVerified(user.id);
  const { token } = await sessions.create(user.id, { ip: null, userAgent: null });
  return { userId: user.id, cookie: `${sessionCookieName(config.publicOrigin)}=${token}` };
}

const count = Number(process.env.BENCH_USERS ?? 0);
const hash = process.env.BENCH_PASSWORD_HASH ?? '';
const signIn: string[] = [];
for (let i = 0; i < count; i++) {
  const email = `signin-${i}-${run}@bench.example`;
  await users.create({ email, name: 'Sign-in', passwordHash: hash });
  signIn.push(email);
}

let bare: unknown = null;
// The floor under any call that checks something in the database: one read of one column of
// one row through the same compiled-read path the API uses (db/prepared.ts).
const oneRead = services.db.reads.first((id: string) =>
  services.db.db.selectFrom('transactions').select('id').where('id', '=', id)
);
const bareTxId = () => (bare as { result?: { pe_txnId?: string } } | null)?.result?.pe_txnId ?? '';
const pageDir = process.env.BENCH_PAGE_DIR;
const bench = new Hono()
  .put('/bench/bare', async (c) => {
    bare = await c.req.json();
    return c.body(null, 204);
  })
  // The same JSON as the measured API answer, serialised per request as the API does.
  .get('/bench/bare', (c) => c.json(bare))
  // The bare route plus that one read (benchmark 1's "floor" row).
  .get('/bench/one-read', async (c) => {
    if (!(await oneRead(bareTxId()))) return c.json(null, 404);
    return c.json(bare);
  })
  // Heap after a full collection (with --expose-gc in BENCH_SERVER_FLAGS): a leak, or just
  // a heap that has not been collected yet?
  .get('/bench/memory', (c) => {
    (globalThis as { gc?: () => void }).gc?.();
    return c.json(process.memoryUsage());
  })
  .get('/bench/page/:file{[a-z-]+\\.(html|js)}', (c) => {
    if (!pageDir) return c.notFound();
    const file = c.req.param('file');
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/html';
    return c.body(fs.readFileSync(path.join(pageDir, file)), 200, { 'content-type': type });
  });

// The path read as Hono reads it (no URL parse): this split adds well under a microsecond to
// what production's `serve({ fetch: app.fetch })` spends on an API request.
const fetch = (req: Request, env: unknown) =>
  getPath(req).startsWith('/bench/') ? bench.fetch(req, env) : api.fetch(req, env);

const browsers = [];
for (let i = 0; i < Number(process.env.BENCH_SYNC_MERCHANTS ?? 0); i++) {
  browsers.push(await merchant(`browser-${i}`));
}

const fixtures = {
  payments: await merchant('payments'),
  pull: await merchant('pull'),
  push: await merchant('push'),
  signIn,
  browsers,
  database: services.db.dialect
};

serve({ fetch, port: config.port, hostname: '127.0.0.1' }, () => {
  process.send?.(fixtures);
});
process.on('SIGTERM', () => {
  void services.db.close().finally(() => process.exit(0));
});
