import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePoster } from '../src/webhooks/post';
import { isForbiddenAddress, resolveTarget, type Resolver } from '../src/webhooks/ssrf';
import { closeServer, payingApp, type TestServer } from './helpers/payments';
import { call } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

/** One address of every range a webhook must never reach, and its IPv4-mapped IPv6 form. */
const FORBIDDEN_V4 = [
  '0.0.0.0',
  '0.255.255.255',
  '10.0.0.1',
  '10.255.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.0.1',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.254',
  '192.0.0.8',
  '192.0.2.1',
  '192.168.0.1',
  '192.168.255.254',
  '198.18.0.1',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255'
];
const FORBIDDEN_V6 = [
  '::',
  '::1',
  'fc00::1',
  'fd12:3456:789a::1',
  'fe80::1',
  'febf::1',
  'ff02::1',
  '2001:db8::1',
  '::127.0.0.1',
  '64:ff9b::a9fe:a9fe',
  ...FORBIDDEN_V4.map((a) => `::ffff:${a}`),
  '::ffff:7f00:1',
  '::ffff:a9fe:a9fe'
];
const PUBLIC = [
  '93.184.215.14',
  '8.8.8.8',
  '172.32.0.1',
  '100.128.0.1',
  '2606:4700::1111',
  '::ffff:8.8.8.8'
];

describe('webhooks SSRF guard: addresses', () => {
  it.each([...FORBIDDEN_V4, ...FORBIDDEN_V6])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });
  it.each(PUBLIC)('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
  it('refuses what is not an address at all', () => {
    expect(isForbiddenAddress('localhost')).toBe(true);
  });
});

describe('webhooks SSRF guard: names and URLs', () => {
  const stub =
    (table: Record<string, string[]>): Resolver =>
    (host) =>
      Promise.resolve(
        (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
      );
  const policy = (resolver: Resolver) => ({ allowPrivateNetworks: false, resolver });

  it.each([...FORBIDDEN_V4, ...FORBIDDEN_V6])(
    'refuses a name that resolves to %s',
    async (address) => {
      const url = new URL('https://hooks.example.com/x');
      await expect(
        resolveTarget(url, policy(stub({ 'hooks.example.com': [address] })))
      ).rejects.toThrow(/non-public/);
    }
  );

  it('refuses a name mixing public and internal addresses, and one that resolves to nothing', async () => {
    const resolver = stub({ 'mixed.example.com': ['8.8.8.8', '10.0.0.5'] });
    await expect(
      resolveTarget(new URL('https://mixed.example.com/'), policy(resolver))
    ).rejects.toThrow();
    await expect(
      resolveTarget(new URL('https://gone.example.com/'), policy(resolver))
    ).rejects.toThrow();
  });

  it('refuses IP literals in internal ranges, bracketed IPv6 included, without any lookup', async () => {
    const never: Resolver = () => Promise.reject(new Error('no lookup expected'));
    for (const host of [
      '127.0.0.1',
      '169.254.169.254',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[fe80::1]'
    ]) {
      await expect(resolveTarget(new URL(`https://${host}/`), policy(never))).rejects.toThrow(
        /non-public/
      );
    }
  });

  it('pins the checked address, and refuses http unless private networks are allowed', async () => {
    const resolver = stub({ 'hooks.example.com': ['93.184.215.14'] });
    await expect(
      resolveTarget(new URL('https://hooks.example.com/'), policy(resolver))
    ).resolves.toEqual({ address: '93.184.215.14', family: 4 });
    await expect(
      resolveTarget(new URL('http://hooks.example.com/'), policy(resolver))
    ).rejects.toThrow(/https/);
  });

  it('connects to the address it checked, never resolving the name again', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.host ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let lookups = 0;
    const poster = makePoster({
      allowPrivateNetworks: true,
      resolver: () => {
        lookups++;
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      }
    });
    const r = await poster.post(`http://rebind.example.test:${port}/h`, {}, '{}');
    poster.close();
    server.close();
    expect(r.status).toBe(200);
    expect(lookups).toBe(1);
    expect(seen).toEqual([`rebind.example.test:${port}`]);
  });
});

describe('webhooks SSRF guard: redirects', () => {
  let target: http.Server,
    redirector: http.Server,
    hits = 0,
    redirectUrl = '';
  beforeAll(async () => {
    target = http.createServer((_req, res) => {
      hits++;
      res.end('reached');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const to = `http://127.0.0.1:${(target.address() as AddressInfo).port}/internal`;
    redirector = http.createServer((_req, res) => {
      res.writeHead(307, { location: to });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => {
    target.close();
    redirector.close();
  });

  it('does not follow a redirect: the attempt fails with the 3xx and the target is never hit', async () => {
    const poster = makePoster({ allowPrivateNetworks: true });
    const r = await poster.post(redirectUrl, { 'content-type': 'application/json' }, '{}');
    poster.close();
    expect(r.status).toBe(307);
    expect(hits).toBe(0);
  });
});

describeEachDialect('webhooks SSRF guard: endpoints', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, {
      config: testConfig({ webhooks: { allowPrivateNetworks: false, worker: false } })
    });
  });
  afterAll(() => closeServer(t));

  it('refuses an http endpoint, and a URL with credentials, with 400 and stores nothing', async () => {
    const { m, appId } = await payingApp(t);
    for (const url of [
      'http://hooks.example.com/x',
      'https://user:pass@hooks.example.com/x',
      'ftp://hooks.example.com/x',
      'javascript:alert(1)'
    ]) {
      const res = await call(t, 'POST', `/api/apps/${appId}/webhooks`, {
        cookie: m.cookie,
        body: { url, events: ['transaction.created'] }
      });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'validation_failed'
      );
    }
    const rows = await t.services.db.db.selectFrom('webhook_endpoints').selectAll().execute();
    expect(rows).toHaveLength(0);
  });
});
