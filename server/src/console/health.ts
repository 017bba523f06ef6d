import { createRoute } from '@hono/zod-openapi';
import { healthSchema } from '@kspay/shared';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { apiResponses } from './contract';

const health = createRoute({
  method: 'get',
  path: '/',
  summary: 'Is the server up, and on which database',
  tags: ['Merchant console'],
  responses: apiResponses({ 200: { description: 'Up', ...jsonContent(healthSchema) } }, [])
});

export function healthRoutes(s: Services) {
  return new RouteApp<AppEnv>().openapi(health, (c) =>
    c.json({ ok: true as const, database: s.db.dialect, time: s.clock.now().toISOString() }, 200)
  );
}
