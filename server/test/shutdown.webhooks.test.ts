import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { create, newAppId, newClientId } from './helpers/apps';
import { describeWithPostgres, emptyDatabase } from './helpers/processes';
import {
  cookieOf,
  ownBusinessId,
  request,
  signUpOverHttp,
  spawnServer,
  type Spawned
} from './helpers/spawned-server';

/** How long the receiver holds each request before answering 200. */
const HOLD_MS = 1500;

/** A receiver that answers 200 after `HOLD_MS`, and tells when a request has arrived. */
async function slowReceiver() {
  const received: string[] = [];
  const answeredAt: number[] = [];
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['webhook-id']));
      arrived();
      setTimeout(() => res.end('ok', () => answeredAt.push(Date.now())), HOLD_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answeredAt,
    firstArrived,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}

/** Signs up, registers an app, points an endpoint at `url` and asks for a test event. */
async function sendTestEvent(s: Spawned, dir: string, url: string) {
  const email = `shutdown-hooks-${Date.now()}@example.com`;
  const res = await signUpOverHttp(s.base, dir, {
    name: 'Shutdown Hooks',
    email,
    password: 'a long shutdown passphrase'
  });
  expect(res.status).toBe(200);
  const cookie = cookieOf(res);
  const businessId = await ownBusinessId(s.base, cookie);
  const appId = newAppId();
  const push = await request(s.base, 'POST', '/api/sync/push', {
    cookie,
    body: {
      businessId,
      clientId: newClientId(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(1, appId)]
    }
  });
  expect(push.status).toBe(200);
  const added = await request(s.base, 'POST', `/api/apps/${appId}/webhooks`, {
    cookie,
    body: { url, events: ['transaction.created'] }
  });
  expect(added.status).toBe(201);
  const { endpoint } = (await added.json()) as { endpoint: { id: string } };
  const test = await request(s.base, 'POST', `/api/apps/${appId}/webhooks/${endpoint.id}/test`, {
    cookie
  });
  expect(test.status, await test.clone().text()).toBeLessThan(300);
  return { cookie, appId, endpointId: endpoint.id };
}

/**
 * SIGTERM while a webhook attempt is in flight: the server stops taking requests but waits for
 * the receiver's answer, records the attempt, and exits 0. The attempt is neither lost (it is
 * logged as succeeded) nor made again by the next process on the same data.
 */
function shutdownSuite(storage: () => Promise<{ dir: string; env: Record<string, string> }>) {
  const servers: Spawned[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL');
      await s.exited;
    }
    for (const c of closers) await c();
  });

  it('waits for the attempt in flight, records it once, and the next process does not resend it', async () => {
    const { dir, env } = await storage();
    const receiver = await slowReceiver();
    closers.push(receiver.close);
    const spawnEnv = {
      ...env,
      DATA_DIR: dir,
      PASSWORD_HASH_LN: '12',
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: '1'
    };
    const first = await spawnServer(spawnEnv);
    servers.push(first);
    const { cookie, appId, endpointId } = await sendTestEvent(first, dir, receiver.url);

    await receiver.firstArrived;
    first.kill('SIGTERM');
    const exit = await first.exited;
    const exitedAt = Date.now();
    expect(exit).toEqual({ code: 0, signal: null });
    // It waited for the receiver's answer rather than dropping the attempt.
    expect(receiver.answeredAt).toHaveLength(1);
    expect(exitedAt).toBeGreaterThanOrEqual(receiver.answeredAt[0] ?? Infinity);
    expect(receiver.received).toHaveLength(1);

    const second = await spawnServer(spawnEnv);
    servers.push(second);
    const log = await request(
      second.base,
      'GET',
      `/api/apps/${appId}/webhooks/${endpointId}/deliveries`,
      { cookie }
    );
    expect(log.status).toBe(200);
    const { deliveries } = (await log.json()) as {
      deliveries: { attempt: number; status: string; responseStatus: number | null }[];
    };
    expect(deliveries.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
      [1, 'succeeded', 200]
    ]);
    // Two polls of the new worker would resend an attempt left pending.
    await new Promise((r) => setTimeout(r, 2500));
    expect(receiver.received).toHaveLength(1);
  }, 120_000);
}

describe('webhooks across a graceful shutdown [sqlite]', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-shutdown-hooks-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  shutdownSuite(() => Promise.resolve({ dir: fs.mkdtempSync(path.join(root, 'run-')), env: {} }));
});

describeWithPostgres('webhooks across a graceful shutdown [postgres]', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-shutdown-hooks-pg-'));
  const drops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
    fs.rmSync(root, { recursive: true, force: true });
  });
  shutdownSuite(async () => {
    const database = await emptyDatabase();
    drops.push(database.drop);
    return { dir: fs.mkdtempSync(path.join(root, 'run-')), env: { DATABASE_URL: database.url } };
  });
});
