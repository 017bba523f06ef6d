import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INR, INR_UPI } from './helpers/payments';
import {
  describeWithPostgres,
  pushNewApp,
  signedUpClient,
  useCluster,
  type ServerProcess
} from './helpers/processes';

const N = 150;

/**
 * Two server processes, each with its delivery worker, on one PostgreSQL database: every
 * attempt is claimed by one of them (`FOR UPDATE SKIP LOCKED`), so the receiver sees each event
 * exactly once although both workers poll the same queue.
 */
describeWithPostgres('several server processes on one PostgreSQL: webhook delivery', () => {
  const cluster = useCluster({
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: '1',
    // Processes behind one load balancer share SECRETS_KEY: each opens the others' seals.
    SECRETS_KEY: Buffer.alloc(32, 9).toString('base64url')
  });
  let a: ServerProcess, b: ServerProcess;
  const received: string[] = [];
  let receiver: http.Server;
  beforeAll(async () => {
    ({ a, b } = cluster);
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        // A little latency keeps both workers' batches in flight together.
        setTimeout(() => res.end('ok'), 5);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    receiver.close();
  });

  it('delivers each event once although both processes run a worker', async () => {
    const { client } = await signedUpClient(a);
    const appId = await pushNewApp(client, a);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await client.req(b, 'POST', `/api/apps/${appId}/webhooks`, {
      url: `http://127.0.0.1:${port}/hooks`,
      events: ['transaction.created']
    });
    expect(hook.status).toBe(201);
    const keys = await client.json<{ key: { publicKey: string }; secretKey: string }>(
      a,
      'POST',
      `/api/apps/${appId}/keys`
    );
    const ex = await client.json<{ result: { accessToken: string } }>(
      b,
      'POST',
      `/v1/auth/generate-token/${appId}`,
      { accessKey: keys.body.key.publicKey, secretKey: keys.body.secretKey }
    );
    const token = ex.body.result.accessToken;
    const initiated = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        client.req(
          i % 2 ? a : b,
          'POST',
          '/v1/transaction/initiate',
          {
            currencyId: INR,
            paymentMethodId: INR_UPI,
            amount: 10,
            referenceNumber: `mp-${i}`
          },
          { authorization: `Bearer ${token}` }
        )
      )
    );
    expect(initiated.every((r) => r.status === 201)).toBe(true);

    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const deadline = Date.now() + 60_000;
      while (new Set(received).size < N && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Both workers poll every second: two more rounds would show any second delivery.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(new Set(received).size).toBe(N);
      expect(received).toHaveLength(N);
      const { rows } = await db.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from webhook_deliveries group by status'
      );
      expect(rows).toEqual([{ status: 'succeeded', n: N }]);
    } finally {
      await db.end();
    }
  }, 120_000);
});
