import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  request,
  signUpOverHttp,
  spawnServer,
  SPAWNED_ORIGIN,
  type Spawned
} from './helpers/spawned-server';

/** One POST on its own connection (`Connection: close`), answered with status, headers, time. */
function post(port: number, url: string, body: unknown) {
  const json = JSON.stringify(body);
  let written!: () => void;
  const sent = new Promise<void>((resolve) => (written = resolve));
  const answered = new Promise<{ status: number; cookie: string; at: number }>(
    (resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: url,
          method: 'POST',
          agent: false,
          headers: {
            origin: SPAWNED_ORIGIN,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(json)
          }
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              cookie: (res.headers['set-cookie'] ?? []).join(';'),
              at: Date.now()
            })
          );
        }
      );
      req.on('error', reject);
      req.on('finish', written);
      req.end(json);
    }
  );
  return { sent, answered };
}

/** Resolves with the time a NEW connection to `port` was first refused. */
async function refusedAt(port: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
    if (refused) return Date.now();
    if (Date.now() > deadline) throw new Error('new connections were still accepted');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * SIGTERM (what a process manager sends to stop or redeploy the server): it stops accepting
 * connections at once, lets the requests in flight — sign-ins hashing at the production cost,
 * ~0.4 s each — finish with 200, closes the database (SQLite checkpoints and removes its WAL on
 * the last close) and exits 0; a session a sign-in created is there after a restart.
 */
describe('graceful shutdown [sqlite]', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-shutdown-'));
  const file = path.join(dir, 'kspay.sqlite');
  const env = { DATA_DIR: dir, PASSWORD_HASH_LN: '17', LOG_LEVEL: 'info' };
  const servers: Spawned[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL');
      await s.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the sign-ins in flight, refuses new connections, closes the database, exits 0', async () => {
    const server = await spawnServer(env);
    servers.push(server);
    const account = { email: 'shutdown@example.com', password: 'a long shutdown passphrase' };
    const signedUp = await signUpOverHttp(server.base, dir, { name: 'Shutdown', ...account });
    expect(signedUp.status).toBe(200);

    // Three sign-ins, each on its own connection: the hash pool runs at most two at a time on
    // a small machine, so the last answer comes well after the signal.
    const signIns = [1, 2, 3].map(() => post(server.port, '/api/auth/sign-in', account));
    await Promise.all(signIns.map((s) => s.sent));
    // Let the server read the requests and start hashing (~0.4 s each) before the signal.
    await new Promise((r) => setTimeout(r, 150));
    const signalledAt = Date.now();
    server.kill('SIGTERM');

    const [refused, answers, exit] = await Promise.all([
      refusedAt(server.port),
      Promise.all(signIns.map((s) => s.answered)),
      server.exited
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers) expect(a.cookie).toMatch(/kspay_session=[^;]+/);
    const lastAnswer = Math.max(...answers.map((a) => a.at));
    expect(refused, 'refused new connections while sign-ins were still in flight').toBeLessThan(
      lastAnswer
    );
    const answer = answers[0] ?? { cookie: '' };
    expect(refused - signalledAt).toBeLessThan(5_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logs.join('')).toContain('shutting down');

    // Closed, not abandoned: the last connection's close checkpoints and removes the WAL.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const db = new SQLite(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const again = await spawnServer(env);
    servers.push(again);
    const cookie = /kspay_session=[^;]+/.exec(answer.cookie)?.[0];
    const session = await request(again.base, 'GET', '/api/auth/session', { cookie });
    expect(session.status).toBe(200);
  }, 120_000);
});
