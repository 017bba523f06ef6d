// Builds the service worker after `vite build`: workbox precaches the app shell that SvelteKit
// wrote to build/ and serves index.html for app routes when offline. Run by `pnpm build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generateSW, getManifest } from 'workbox-build';

const buildDir = fileURLToPath(new URL('../build', import.meta.url));
const swFile = path.join(buildDir, 'service-worker.js');

/** Everything the app needs to start with no connection; previews/ (the manifest's screenshots) only serve the installer. */
const globPatterns = ['**/*.{html,js,css,woff2,svg,png,webmanifest}'];
const globIgnores = ['service-worker.js', 'workbox-*.js', 'previews/**'];

/**
 * Paths served by the server itself, never the SPA shell: the API (its data lives in IndexedDB,
 * and responses may carry secrets that must never reach Cache Storage), the payments API, and the
 * OpenAPI document and its reference page. The worker has no route for them at all, so their
 * requests and responses pass by it untouched.
 */
const serverOnly = [/^\/api(\/|$)/, /^\/v1(\/|$)/, /^\/openapi\.json$/, /^\/docs(\/|$)/];

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
  navigateFallback: '/index.html',
  navigateFallbackDenylist: serverOnly
});

for (const warning of warnings) process.stderr.write(`service worker: ${warning}\n`);

// The budget counts what a first visit transfers for the precache, compressed as the wire would.
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
