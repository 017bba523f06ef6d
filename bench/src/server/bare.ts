/**
 * Benchmark 1's peer: a bare `@hono/node-server` app in a Node process of its own, as someone
 * would write it to answer one JSON document — no middleware, no logging, no database. The
 * runner PUTs the payments API's answer once and then loads GET /bench/bare, so both sides
 * serialise the same JSON per request. Environment: PORT. Says "ready" over IPC once listening.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

let body: unknown = null;
const app = new Hono()
  .put('/bench/bare', async (c) => {
    body = await c.req.json();
    return c.body(null, 204);
  })
  .get('/bench/bare', (c) => c.json(body));

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => {
  process.send?.('ready');
});
process.on('SIGTERM', () => process.exit(0));
