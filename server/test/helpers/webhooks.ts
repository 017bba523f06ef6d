import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { call, type Merchant, type TestServer } from './payments';
import { webhookWorker, type WorkerOptions } from '../../src/webhooks/worker';

/** What a test receiver does with one request. */
export type Reply =
  { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'close';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A local webhook receiver on 127.0.0.1: `replies` are used in order (the last one repeats),
 * every request it read is in `received`.
 */
export async function receiver(...replies: Reply[]) {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)] ?? { status: 200 };
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if (reply === 'close') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
      res.end(reply.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}

export async function addEndpoint(
  t: TestServer,
  m: Merchant,
  appId: string,
  url: string,
  events: string[] = ['transaction.created', 'transaction.succeeded', 'transaction.failed']
): Promise<{ id: string; secret: string }> {
  const res = await call(t, 'POST', `/api/apps/${appId}/webhooks`, {
    cookie: m.cookie,
    body: { url, events }
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { endpoint: { id: string }; secret: string };
  return { id: body.endpoint.id, secret: body.secret };
}

export interface Attempt {
  eventId: string;
  eventType: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
  nextAttemptAt: string;
}

export async function deliveryLog(
  t: TestServer,
  m: Merchant,
  appId: string,
  endpointId: string
): Promise<Attempt[]> {
  const res = await call(t, 'GET', `/api/apps/${appId}/webhooks/${endpointId}/deliveries`, {
    cookie: m.cookie
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: Attempt[] }).deliveries;
}

/** A worker on the test server's services (and fake clock), driven with `runOnce()`. */
export function testWorker(t: TestServer, opts: WorkerOptions = {}) {
  return webhookWorker(t.services, { random: () => 0.5, ...opts });
}
