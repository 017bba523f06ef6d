import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { closeServer, type TestServer } from './helpers/payments';
import { testConfig, testServer } from './helpers/services';

/**
 * The document headers a browser enforces on the console: scripts by origin and by hash only,
 * no framing, and HSTS only where there is TLS. A miniature build stands in for web/build: its
 * shell has an inline bootstrap, as SvelteKit's has.
 */
const BOOTSTRAP = '\n\t\t\t{ __kspay_boot = 1; import("/_app/immutable/entry/start.js"); }\n\t\t';
const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-csp-'));
fs.writeFileSync(
  path.join(root, 'index.html'),
  `<!doctype html><html><head><script type="module" src="/_app/x.js"></script></head>` +
    `<body><div><script>${BOOTSTRAP}</script></div></body></html>`
);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function directives(res: Response): Map<string, string[]> {
  const csp = res.headers.get('content-security-policy') ?? '';
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name = '', ...values]) => [name, values])
  );
}

describe('console security headers', () => {
  let t: TestServer;
  let https: TestServer;
  beforeAll(async () => {
    t = await testServer('sqlite');
    t.services.config = testConfig({ webRoot: root });
    https = await testServer('sqlite');
    https.services.config = testConfig({
      webRoot: root,
      publicOrigin: 'https://pay.example.com',
      allowedOrigins: ['https://pay.example.com']
    });
  });
  afterAll(async () => {
    await closeServer(t);
    await closeServer(https);
  });

  it("allows scripts from the origin and the shell's inline bootstrap by hash, never 'unsafe-inline'", async () => {
    const app = createApp(t.services);
    for (const p of ['/', '/apps/ap_rtk2WdyQR', '/api/health']) {
      const res = await app.request(p);
      const d = directives(res);
      expect(d.get('script-src'), p).toEqual(["'self'", sha(BOOTSTRAP)]);
      expect(d.get('frame-ancestors'), p).toEqual(["'none'"]);
      expect(d.get('default-src'), p).toEqual(["'self'"]);
    }
  });

  it('forbids framing in both headers a browser may read', async () => {
    const res = await createApp(t.services).request('/');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends no HSTS over http, and over https the one policy /v1 sends too', async () => {
    const plain = createApp(t.services);
    for (const p of ['/', '/api/health', '/v1/health']) {
      expect((await plain.request(p)).headers.get('strict-transport-security'), p).toBeNull();
    }
    const secure = createApp(https.services);
    const policies = new Set<string | null>();
    for (const p of ['/', '/api/health', '/v1/payment/currencies']) {
      policies.add((await secure.request(p)).headers.get('strict-transport-security'));
    }
    expect([...policies]).toEqual(['max-age=31536000; includeSubDomains']);
  });
});
