import fs from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness/server';

/**
 * The production build the end-to-end suites run against (`pnpm test:e2e` builds it first):
 * the compressed copies the server sends (server/src/site/spa-compressed.ts) are complete and
 * true, and none of them is precached. Here rather than in the server's suites, which run
 * before the build exists.
 */
const BUILD = path.join(ROOT, 'web/build');

describe('the production build', () => {
  it('has a .br and .gz of the shell, the worker and every script, each decoding to it', () => {
    const files = fs.readdirSync(BUILD, { recursive: true, encoding: 'utf8' });
    const scripts = files.filter((f) => /\.(?:js|css|html)$/.test(f));
    expect(scripts).toContain('service-worker.js');
    expect(scripts).toContain('index.html');
    for (const f of scripts) {
      const original = fs.readFileSync(path.join(BUILD, f));
      expect(
        brotliDecompressSync(fs.readFileSync(path.join(BUILD, `${f}.br`))).equals(original),
        f
      ).toBe(true);
      expect(gunzipSync(fs.readFileSync(path.join(BUILD, `${f}.gz`))).equals(original), f).toBe(
        true
      );
    }
  });

  it('never precaches a compressed copy (the worker fetches files, decoded)', () => {
    const sw = fs.readFileSync(path.join(BUILD, 'service-worker.js'), 'utf8');
    const urls = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toContain('index.html');
    expect(urls.filter((u) => /\.(?:br|gz)$/.test(u ?? ''))).toEqual([]);
  });
});
