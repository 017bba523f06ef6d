// Builds the service worker after `vite build`: workbox precaches the app shell that SvelteKit
// wrote to build/ and serves index.html for app routes when offline. Run by `pnpm build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { build } from 'vite';
import { generateSW, getManifest } from 'workbox-build';

const buildDir = fileURLToPath(new URL('../build', import.meta.url));
const swFile = path.join(buildDir, 'service-worker.js');

/**
 * Everything the app needs to start with no connection; previews/ (the manifest's screenshots)
 * only serves the installer. The .br and .gz copies the adapter wrote beside each file are the
 * same files compressed for the wire: the worker's fetches receive them decoded, so they are
 * never precached themselves (the patterns name no such extension, and the ignores make sure).
 */
const globPatterns = ['**/*.{html,js,css,woff2,svg,png,webmanifest}'];
const globIgnores = [
  'service-worker.js',
  'workbox-*.js',
  'previews/**',
  '**/*.br',
  '**/*.gz',
  '_app/immutable/sync-worker.*.js'
];

// The adapter compressed build/ before this worker existed. Compressed copies of a worker from
// an earlier run must not outlive it: served for the new worker, they would hide every update.
for (const suffix of ['.br', '.gz']) fs.rmSync(swFile + suffix, { force: true });

/**
 * Navigations the SPA shell must not answer. The server's own paths: the API (its data lives in
 * IndexedDB, and responses may carry secrets that must never reach Cache Storage), the payments
 * API, the OpenAPI document and its reference page; the worker has no route for them at all, so
 * their requests and responses pass by it untouched. And files (a screenshot opened in a tab, a
 * chunk that no longer exists), which must arrive as themselves or as the server's 404.
 * Workbox tests these against path + query, so each stops at "/" or "?".
 */
const under = (prefix) => new RegExp(`^${prefix}(?:[/?]|$)`);
const notAppRoutes = [
  under('/api'),
  under('/v1'),
  under('/docs'),
  under('/openapi\\.json'),
  under('/_app'),
  /^[^?]*\.[a-z0-9]+(?:\?|$)/i
];

/**
 * The Background Sync handler (src/lib/device/sync/worker.ts: the app's own sync protocol and
 * database code) as one script the worker imports. Its name carries its hash, so a change to
 * it changes the worker's bytes and installs as a new version, and it can be cached for good.
 */
async function buildSyncWorker() {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: {
        entry: fileURLToPath(new URL('../src/lib/device/sync/worker.ts', import.meta.url)),
        formats: ['iife'],
        name: 'kspaySyncWorker'
      }
    }
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk) throw new Error('the sync worker bundle is empty');
  const hash = createHash('sha256').update(chunk.code).digest('hex').slice(0, 12);
  const name = `_app/immutable/sync-worker.${hash}.js`;
  for (const old of fs.readdirSync(path.join(buildDir, '_app/immutable'))) {
    if (old.startsWith('sync-worker.')) fs.rmSync(path.join(buildDir, '_app/immutable', old));
  }
  const file = path.join(buildDir, name);
  fs.writeFileSync(file, chunk.code);
  fs.writeFileSync(`${file}.gz`, gzipSync(chunk.code, { level: constants.Z_BEST_COMPRESSION }));
  fs.writeFileSync(`${file}.br`, brotliCompressSync(chunk.code));
  return `/${name}`;
}

const syncWorker = await buildSyncWorker();

const { count, size, warnings } = await generateSW({
  globDirectory: buildDir,
  globPatterns,
  globIgnores,
  swDest: swFile,
  mode: 'production',
  sourcemap: false,
  inlineWorkboxRuntime: true,
  cacheId: 'kspay',
  // A new version waits until the merchant chooses "Reload" (it posts SKIP_WAITING); it never
  // takes over an open page by itself. The first install claims the page so its lazy chunks are
  // served from the precache even before a reload.
  skipWaiting: false,
  clientsClaim: true,
  cleanupOutdatedCaches: true,
  // Hashed file names change whenever their content does, so no revision query is needed.
  dontCacheBustURLsMatching: /^_app\/immutable\//,
  importScripts: [syncWorker],
  navigateFallback: '/index.html',
  navigateFallbackDenylist: notAppRoutes
});

for (const warning of warnings) process.stderr.write(`service worker: ${warning}\n`);

// The worker's own compressed copies, written as the adapter writes the others (brotli at its
// best quality in text mode, gzip at level 9), from the bytes just written.
const worker = fs.readFileSync(swFile);
fs.writeFileSync(
  `${swFile}.br`,
  brotliCompressSync(worker, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: worker.length
    }
  })
);
fs.writeFileSync(`${swFile}.gz`, gzipSync(worker, { level: constants.Z_BEST_COMPRESSION }));

// The budget counts what a first visit transfers for the precache, as gzip at zlib's default
// level (the server sends the smaller brotli copies to browsers that accept them).
const { manifestEntries } = await getManifest({
  globDirectory: buildDir,
  globPatterns,
  globIgnores
});
const gzipped = manifestEntries.reduce(
  (sum, { url }) => sum + gzipSync(fs.readFileSync(path.join(buildDir, url))).length,
  0
);
process.stdout.write(
  `service worker: precaches ${count} files, ${(size / 1024).toFixed(1)} KB raw, ` +
    `${(gzipped / 1024).toFixed(1)} KB gzipped (budget 600 KB)\n`
);
