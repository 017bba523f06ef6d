import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../env';
import { sendCompressed } from './spa-compressed';

/**
 * Files whose bytes must be asked for again on every visit: the service worker (the browser
 * compares it byte for byte to find a new version) and the manifest. Everything else that is not
 * hashed is revalidated too; these are named so the rule cannot drift away from them.
 */
const ALWAYS_REVALIDATE: Record<string, string> = {
  '/service-worker.js': 'text/javascript; charset=utf-8',
  '/manifest.webmanifest': 'application/manifest+json'
};

/** A request for a file (an asset, a chunk), as opposed to an app route such as `/apps/ap_x`. */
const looksLikeFile = (p: string) => p.startsWith('/_app/') || /\.[a-z0-9]+$/i.test(p);

/**
 * A path this module maps to a file itself, to send it compressed: `/`, or plain segments that
 * do not start with a dot (so no `.`, `..` or hidden file) and hold no escapes. Anything else
 * goes to serveStatic's own path checks, uncompressed.
 */
const PLAIN_PATH = /^(?:\/[\w@~+-][\w.@~+-]*)+$|^\/$/;

/**
 * Serves the built SPA. Hashed assets under `/_app/immutable` are cached for a year; every
 * other file is revalidated. Unknown app routes get the SPA's fallback page so deep links work
 * (`/api/*` never reaches here: it has its own JSON 404). A missing FILE answers 404, never the
 * fallback page: an old chunk asked for after a deploy must fail as itself (SvelteKit then
 * reloads), not be cached for a year — or precached by the service worker — as HTML. Text files,
 * the fallback page included, go out brotli- or gzip-compressed from the build's own .br/.gz
 * copies to clients that accept them (with `Vary: Accept-Encoding`), and as they are otherwise.
 */
export function serveSpa(root: string) {
  const app = new Hono<AppEnv>();
  const fallback = path.join(root, 'index.html');
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const type = ALWAYS_REVALIDATE[c.req.path];
    if (type) {
      c.header('Content-Type', type);
      c.header('Cache-Control', 'no-cache');
    } else if (!c.res.headers.has('Cache-Control')) {
      c.header(
        'Cache-Control',
        c.req.path.startsWith('/_app/immutable/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache'
      );
    }
  });
  // Text files go out as their .br or .gz copy when the client accepts one (see spa-compressed).
  app.get('*', async (c, next) => {
    if (!PLAIN_PATH.test(c.req.path)) return next();
    const file = path.join(root, c.req.path === '/' ? 'index.html' : c.req.path);
    const answer = await sendCompressed(c, file);
    if (answer.sent) return answer.sent;
    await next();
    if (answer.vary && c.res.status === 200) c.header('Vary', 'Accept-Encoding', { append: true });
  });
  app.use('*', serveStatic({ root: path.relative(process.cwd(), root) || '.' }));
  app.get('*', async (c) => {
    if (looksLikeFile(c.req.path)) return c.text('Not found', 404);
    if (!fs.existsSync(fallback)) return c.text('The web app is not built: run pnpm build', 503);
    const answer = await sendCompressed(c, fallback);
    if (answer.sent) return answer.sent;
    if (answer.vary) c.header('Vary', 'Accept-Encoding', { append: true });
    return c.html(fs.readFileSync(fallback, 'utf8'));
  });
  return app;
}
