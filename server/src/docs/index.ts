import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Env } from 'hono';
import type { AppEnv } from '../env';
import { buildOpenApiDocument } from './document';
import { renderDocsPage } from './page';

/**
 * `GET /openapi.json` and `GET /docs`; both built once, at startup, from the route definitions
 * `app` holds: mount this after every API route.
 */
export function openApiRoutes<E extends Env>(app: OpenAPIHono<E>) {
  const doc = buildOpenApiDocument(app);
  const page = renderDocsPage(doc);
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => c.json(doc))
    .get('/docs', (c) => c.html(page));
}
