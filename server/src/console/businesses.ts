import { createRoute } from '@hono/zod-openapi';
import { businessListSchema } from '@kspay/shared/businesses';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { businessStore } from '../store/businesses';
import { apiHook } from './validate';
import { apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';

const list = createRoute({
  method: 'get',
  path: '/',
  summary: 'The businesses the caller is a member of, with their role in each',
  tags: ['Merchant console: businesses'],
  security: sessionAuth,
  responses: apiResponses(
    {
      200: {
        description: 'Businesses, oldest membership first',
        ...jsonContent(businessListSchema)
      }
    },
    ['unauthorized']
  )
});

/** `GET /api/businesses`: what the account menu switches between; roles read fresh. */
export function businessRoutes(s: Services) {
  const businesses = businessStore(s.db, s.clock);
  const app = new RouteApp<AppEnv>({ defaultHook: apiHook });
  app.use('/', requireSession(s));
  return app.openapi(list, async (c) =>
    c.json({ businesses: await businesses.forUser(c.get('session').userId) }, 200)
  );
}
