import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSpa } from '../src/site/spa';

/** What Chromium sends. */
const CHROMIUM = 'gzip, deflate, br, zstd';

/** A miniature build with the compressed copies adapter-static's `precompress` writes. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-spa-gz-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string, copies: ('br' | 'gz')[] = ['br', 'gz']): Buffer {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = Buffer.from(text);
  fs.writeFileSync(file, bytes);
  if (copies.includes('br')) fs.writeFileSync(`${file}.br`, brotliCompressSync(bytes));
  if (copies.includes('gz')) fs.writeFileSync(`${file}.gz`, gzipSync(bytes));
  return bytes;
}

const code = (name: string) =>
  Array.from({ length: 200 }, (_, i) => `export const ${name}${i} = () => "${name} ${i}";`).join(
    '\n'
  );
const shell = write(
  'index.html',
  `<!doctype html><title>KS Pay</title>${'<p>shell</p>'.repeat(50)}`
);
const chunk = write('_app/immutable/chunks/a1b2.js', code('chunk'));
const gzOnly = write('_app/immutable/chunks/gzonly.js', code('gzonly'), ['gz']);
const plain = write('_app/immutable/chunks/plain.js', code('plain'), []);
const style = write('_app/immutable/assets/app.css', `body{margin:0}\n`.repeat(100));
const manifest = write('manifest.webmanifest', '{"name":"KS Pay Merchant Console"}', []);
write('icons/icon.png', '\x89PNG not really', []);
fs.writeFileSync(path.join(root, '_app/immutable/chunks/gone.js.br'), brotliCompressSync('gone'));
const spa = serveSpa(root);

const get = (p: string, headers: Record<string, string> = {}, method = 'GET') =>
  spa.request(p, { method, headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
const varies = (res: Response) =>
  (res.headers.get('vary') ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .includes('accept-encoding');

describe('serving the build compressed', () => {
  it('sends brotli to a browser that accepts it, which decodes to the file', async () => {
    const res = await get('/_app/immutable/chunks/a1b2.js', { 'Accept-Encoding': CHROMIUM });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(varies(res)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = await bytes(res);
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect(body.length).toBeLessThan(chunk.length / 4);
    expect(brotliDecompressSync(body).equals(chunk)).toBe(true);
  });

  it('sends gzip when only gzip is accepted', async () => {
    const res = await get('/_app/immutable/assets/app.css', { 'Accept-Encoding': 'gzip, deflate' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(varies(res)).toBe(true);
    expect(gunzipSync(await bytes(res)).equals(style)).toBe(true);
  });

  it('sends the file itself, still marked as varying, to a client that accepts no coding', async () => {
    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const res = await get(
        '/_app/immutable/chunks/a1b2.js',
        accept ? { 'Accept-Encoding': accept } : {}
      );
      expect(res.headers.get('content-encoding'), accept).toBeNull();
      expect(varies(res), accept).toBe(true);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await bytes(res)).equals(chunk), accept).toBe(true);
    }
  });

  it("follows the client's q-values: a refused or less wanted coding is not sent", async () => {
    const cases: [string, string | null][] = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['*', 'br'],
      ['*;q=0.5, br;q=0', 'gzip'],
      ['BR', 'br']
    ];
    for (const [accept, expected] of cases) {
      const res = await get('/_app/immutable/chunks/a1b2.js', { 'Accept-Encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBe(expected);
    }
  });

  it('falls back to the next coding, then to the file, when a copy is missing', async () => {
    const gz = await get('/_app/immutable/chunks/gzonly.js', { 'Accept-Encoding': CHROMIUM });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gz)).equals(gzOnly)).toBe(true);

    const brOnly = await get('/_app/immutable/chunks/gzonly.js', { 'Accept-Encoding': 'br' });
    expect(brOnly.headers.get('content-encoding')).toBeNull();
    expect((await bytes(brOnly)).equals(gzOnly)).toBe(true);

    const none = await get('/_app/immutable/chunks/plain.js', { 'Accept-Encoding': CHROMIUM });
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(varies(none)).toBe(false);
    expect((await bytes(none)).equals(plain)).toBe(true);
  });

  it('compresses the shell at / and for deep links, revalidated as before', async () => {
    for (const p of ['/', '/index.html', '/apps/ap_rtk2WdyQR']) {
      const res = await get(p, { 'Accept-Encoding': CHROMIUM });
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-encoding'), p).toBe('br');
      expect(res.headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
      expect(varies(res), p).toBe(true);
      expect(brotliDecompressSync(await bytes(res)).equals(shell), p).toBe(true);
    }
    const identity = await get('/apps/ap_rtk2WdyQR');
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(varies(identity)).toBe(true);
    expect((await bytes(identity)).equals(shell)).toBe(true);
  });

  it('keeps the manifest and images as they were: own media type, no coding', async () => {
    const m = await get('/manifest.webmanifest', { 'Accept-Encoding': CHROMIUM });
    expect(m.headers.get('content-type')).toBe('application/manifest+json');
    expect(m.headers.get('content-encoding')).toBeNull();
    expect(m.headers.get('cache-control')).toBe('no-cache');
    expect((await bytes(m)).equals(manifest)).toBe(true);
    const png = await get('/icons/icon.png', { 'Accept-Encoding': CHROMIUM });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-encoding')).toBeNull();
  });

  it('answers HEAD with the compressed length and no body, and a range from the file itself', async () => {
    const head = await get('/_app/immutable/chunks/a1b2.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.headers.get('content-encoding')).toBe('br');
    expect(Number(head.headers.get('content-length'))).toBe(brotliCompressSync(chunk).length);
    expect((await bytes(head)).length).toBe(0);

    const range = await get('/_app/immutable/chunks/a1b2.js', {
      'Accept-Encoding': CHROMIUM,
      Range: 'bytes=0-5'
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-encoding')).toBeNull();
    expect((await bytes(range)).toString()).toBe(chunk.subarray(0, 6).toString());
  });

  it('never sends a copy without its file: a missing file is still a 404', async () => {
    const res = await get('/_app/immutable/chunks/gone.js', { 'Accept-Encoding': CHROMIUM });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toBeNull();
  });
});

describe('a compressed copy that is not its file', () => {
  it('is never sent for a new service worker: the update check sees the new bytes', async () => {
    const v1 = write('service-worker.js', `/* build 1 */ ${code('sw')}`);
    const first = await get('/service-worker.js', { 'Accept-Encoding': CHROMIUM });
    expect(first.headers.get('content-encoding')).toBe('br');
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(brotliDecompressSync(await bytes(first)).equals(v1)).toBe(true);

    // A deploy that rewrites the worker in place (same length) and leaves the old copies.
    const v2 = Buffer.from(v1.toString().replace('build 1', 'build 2'));
    fs.writeFileSync(path.join(root, 'service-worker.js'), v2);
    const after = await get('/service-worker.js', { 'Accept-Encoding': CHROMIUM });
    expect(after.headers.get('content-encoding')).toBeNull();
    expect(after.headers.get('cache-control')).toBe('no-cache');
    expect((await bytes(after)).equals(v2)).toBe(true);

    // Once the build writes the new worker's copies, they are sent again.
    fs.writeFileSync(path.join(root, 'service-worker.js.br'), brotliCompressSync(v2));
    const fresh = await get('/service-worker.js', { 'Accept-Encoding': CHROMIUM });
    expect(fresh.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(await bytes(fresh)).equals(v2)).toBe(true);
    const gzipClient = await get('/service-worker.js', { 'Accept-Encoding': 'gzip' });
    expect(gzipClient.headers.get('content-encoding')).toBeNull();
  });

  it('is never sent when corrupt or of another file: the next coding or the file goes out', async () => {
    const file = write('_app/version.json', '{"version":"1700000000000"}'.repeat(20));
    fs.writeFileSync(path.join(root, '_app/version.json.br'), Buffer.from('not brotli at all'));
    fs.writeFileSync(path.join(root, '_app/version.json.gz'), gzipSync('{"version":"0"}'));
    const res = await get('/_app/version.json', { 'Accept-Encoding': CHROMIUM });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect((await bytes(res)).equals(file)).toBe(true);
  });
});
