import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSpa } from '../src/site/spa';

/** A miniature build: the shell, one hashed chunk, the service worker and the manifest. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-spa-'));
fs.mkdirSync(path.join(root, '_app/immutable/chunks'), { recursive: true });
fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>KS Pay</title>');
fs.writeFileSync(path.join(root, '_app/immutable/chunks/a1b2.js'), 'export {};');
fs.writeFileSync(path.join(root, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
fs.writeFileSync(path.join(root, 'manifest.webmanifest'), '{"name":"KS Pay Merchant Console"}');
const spa = serveSpa(root);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('serving the installable app', () => {
  it('serves the service worker as JavaScript that is revalidated on every update check', async () => {
    const res = await spa.request('/service-worker.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the manifest with its own media type, revalidated', async () => {
    const res = await spa.request('/manifest.webmanifest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/manifest+json');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('caches hashed chunks for a year and revalidates the shell', async () => {
    const chunk = await spa.request('/_app/immutable/chunks/a1b2.js');
    expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const shell = await spa.request('/');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a deep link to an app route with the shell', async () => {
    const res = await spa.request('/apps/ap_rtk2WdyQR');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a chunk that no longer exists (after a deploy) with 404, never the shell', async () => {
    for (const p of ['/_app/immutable/chunks/gone.js', '/_app/version.json', '/icons/none.png']) {
      const res = await spa.request(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('cache-control'), p).toBeNull();
    }
  });
});
