import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../env';

/**
 * Serves the built SPA. Hashed assets under `/_app/immutable` are cached for a year; every
 * other file is revalidated. Unknown paths get the SPA's fallback page so deep links work
 * (`/api/*` never reaches here: it has its own JSON 404).
 */
export function serveSpa(root: string) {
  const app = new Hono<AppEnv>();
  const fallback = path.join(root, 'index.html');
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status === 200 && !c.res.headers.has('Cache-Control')) {
      c.header(
        'Cache-Control',
        c.req.path.startsWith('/_app/immutable/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache'
      );
    }
  });
  app.use('*', serveStatic({ root: path.relative(process.cwd(), root) || '.' }));
  app.get('*', (c) => {
    if (!fs.existsSync(fallback)) return c.text('The web app is not built: run pnpm build', 503);
    return c.html(fs.readFileSync(fallback, 'utf8'));
  });
  return app;
}
