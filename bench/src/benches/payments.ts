import { seedApps } from '../lib/apps';
import { call, load, median, type LoadOptions, type LoadResult } from '../lib/http';
import { fmt, type Report } from '../lib/report';
import type { BenchServer } from '../lib/server';

/**
 * Benchmarks 1, 2 and 5: the payments API's hot path and token exchange against a bare Hono
 * route of the same process answering the same JSON, and the server's peak RSS meanwhile.
 * Real and bare runs alternate (bare, real, bare, real…) and each side's median is compared,
 * so a machine that slows down halfway slows both sides alike.
 */
const INR = 'c_WkmEe23LeI';
const INR_UPI = 'pm_Up1IndQ7x';
/** Token exchanges are limited per public key and client address; see `exchangeLoad`. */
const KEY_PAIRS = 16;

interface Pair {
  appId: string;
  publicKey: string;
  secretKey: string;
}

async function setUp(server: BenchServer) {
  const { origin, fixtures } = server;
  const m = fixtures.payments;
  const appIds = await seedApps(origin, m, KEY_PAIRS, 'Payments');
  const pairs: Pair[] = [];
  for (const appId of appIds) {
    const k = await call<{ key: { publicKey: string }; secretKey: string }>(
      origin,
      'POST',
      `/api/apps/${appId}/keys`,
      { cookie: m.cookie, body: {} }
    );
    pairs.push({ appId, publicKey: k.key.publicKey, secretKey: k.secretKey });
  }
  const first = pairs[0];
  if (!first) throw new Error('no key pair');
  const token = await call<{ result: { accessToken: string } }>(
    origin,
    'POST',
    `/v1/auth/generate-token/${first.appId}`,
    { body: { accessKey: first.publicKey, secretKey: first.secretKey } }
  );
  const auth = { authorization: `Bearer ${token.result.accessToken}` };
  const tx = await call<{ result: { pe_txnId: string } }>(
    origin,
    'POST',
    '/v1/transaction/initiate',
    {
      headers: auth,
      body: { currencyId: INR, paymentMethodId: INR_UPI, amount: 499.5, referenceNumber: 'bench-1' }
    }
  );
  const path = `/v1/transaction/txnId/${tx.result.pe_txnId}`;
  // The bare route answers exactly this body, so both sides serialise the same JSON.
  const body = await call<unknown>(origin, 'GET', path, { headers: auth });
  await call(origin, 'PUT', '/bench/bare', { body });
  return { pairs, path, auth };
}

/** Alternating runs of two loads; the medians of each side. */
async function sideBySide(rounds: number, a: LoadOptions, b: LoadOptions) {
  const ra: LoadResult[] = [];
  const rb: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    ra.push(await load(a));
    rb.push(await load(b));
  }
  const failures = [...ra, ...rb].reduce((n, r) => n + r.failures, 0);
  const summary = (rs: LoadResult[]) => ({
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99))
  });
  return { a: summary(ra), b: summary(rb), failures };
}

export async function paymentsBenches(server: BenchServer, report: Report, seconds: number) {
  const { pairs, path, auth } = await setUp(server);
  const bare: LoadOptions = { url: `${server.origin}/bench/bare`, duration: seconds };

  // 1. GET /v1/transaction/txnId/:id with its bearer token checked on every request.
  const hot = await sideBySide(3, bare, {
    url: `${server.origin}${path}`,
    headers: auth,
    duration: seconds
  });
  const mem = server.memory();
  const ratio = hot.b.rps / hot.a.rps;
  const name = '1 payments API hot path';
  report.add({
    bench: name,
    figure: 'GET /v1/transaction/txnId/:id',
    value: `${fmt.int(hot.b.rps)} req/s, p50 ${fmt.ms(hot.b.p50)}, p99 ${fmt.ms(hot.b.p99)}`
  });
  report.add({
    bench: name,
    figure: 'bare Hono route, same JSON',
    value: `${fmt.int(hot.a.rps)} req/s, p50 ${fmt.ms(hot.a.p50)}, p99 ${fmt.ms(hot.a.p99)}`
  });
  report.add({
    bench: name,
    figure: 'ratio API / bare (SQLite)',
    value: fmt.ratio(ratio),
    budget: '>= 0.50',
    pass: ratio >= 0.5 && hot.failures === 0
  });
  if (hot.failures > 0)
    report.add({
      bench: name,
      figure: 'non-2xx or errors',
      value: String(hot.failures),
      pass: false
    });

  // 5. Memory while serving benchmark 1 (VmHWM: the high-water mark since the process began).
  report.add({
    bench: '5 memory',
    figure: 'server peak RSS during benchmark 1',
    value: `${fmt.mb(mem.peak)} (now ${fmt.mb(mem.current)})`
  });

  // 2. Token exchange. Its limit (30/min per public key AND client address) would turn most
  // of a load into 429s; the bench server trusts X-Forwarded-For, and every request comes
  // from its own address with one of 16 pairs, so each subject is hit about once.
  let n = 0;
  const exchange: LoadOptions = {
    url: `${server.origin}/v1/auth/generate-token/${pairs[0]?.appId ?? ''}`,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = n++;
          const pair = pairs[i % pairs.length] as Pair;
          return {
            ...req,
            path: `/v1/auth/generate-token/${pair.appId}`,
            headers: {
              'content-type': 'application/json',
              'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
            },
            body: JSON.stringify({ accessKey: pair.publicKey, secretKey: pair.secretKey })
          };
        }
      }
    ]
  };
  const ex = await sideBySide(2, bare, exchange);
  const exName = '2 token exchange';
  report.add({
    bench: exName,
    figure: 'POST /v1/auth/generate-token/:appId',
    value: `${fmt.int(ex.b.rps)} req/s, p50 ${fmt.ms(ex.b.p50)}, p99 ${fmt.ms(ex.b.p99)}`
  });
  report.add({ bench: exName, figure: 'bare Hono route', value: `${fmt.int(ex.a.rps)} req/s` });
  report.add({
    bench: exName,
    figure: 'ratio exchange / bare (SQLite)',
    value: fmt.ratio(ex.b.rps / ex.a.rps),
    ...(ex.failures > 0 ? { pass: false } : {})
  });
  if (ex.failures > 0)
    report.add({
      bench: exName,
      figure: 'non-2xx or errors',
      value: String(ex.failures),
      pass: false
    });
}
