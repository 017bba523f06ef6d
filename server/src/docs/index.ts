import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { buildOpenApiDocument } from './document';
import { renderDocsPage } from './page';

/** `GET /openapi.json` and `GET /docs`; both built once, at startup. */
export function openApiRoutes() {
  const doc = buildOpenApiDocument();
  const page = renderDocsPage(doc);
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => c.json(doc))
    .get('/docs', (c) => c.html(page));
}
