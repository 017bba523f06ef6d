/**
 * Benchmark 1's peer: a bare `@hono/node-server` app in a Node process of its own, as someone
 * would write it to answer one JSON document — no middleware, no logging. The runner PUTs the
 * payments API's answer once and then loads GET /bench/bare, so both sides serialise the same
 * JSON per request.
 *
 * With BENCH_SQLITE_FILE (the measured server's SQLite file) it also answers GET
 * /bench/one-read: the same JSON after one read of one column of that transaction's row, on a
 * query-only connection of its own, as the API's compiled reads run (db/prepared.ts). That is
 * the floor of any call that checks something in the database, in a process of this size.
 * Environment: PORT, BENCH_SQLITE_FILE. Says "ready" over IPC once listening.
 */
import { serve } from '@hono/node-server';
import SQLite from 'better-sqlite3';
import { Hono } from 'hono';

const file = process.env.BENCH_SQLITE_FILE;
const reader = file ? new SQLite(file, { fileMustExist: true }) : null;
reader?.pragma('query_only = ON');
reader?.pragma('busy_timeout = 5000');
const oneRead = reader?.prepare<[string], [string]>('select id from transactions where id = ?');
const readRow = oneRead?.raw(true);

let body: unknown = null;
let txId = '';
const app = new Hono()
  .put('/bench/bare', async (c) => {
    body = await c.req.json();
    txId = (body as { result?: { pe_txnId?: string } } | null)?.result?.pe_txnId ?? '';
    return c.body(null, 204);
  })
  .get('/bench/bare', (c) => c.json(body))
  // What the load balancer's health check asks (ops/haproxy.cfg), as it asks the server.
  .get('/api/health', (c) => c.json({ status: 'ok' }))
  .get('/bench/one-read', (c) => {
    if (!readRow?.get(txId)) return c.json(null, 404);
    return c.json(body);
  });

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => {
  process.send?.('ready');
});
process.on('SIGTERM', () => {
  reader?.close();
  process.exit(0);
});
