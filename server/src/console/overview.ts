import { createRoute } from '@hono/zod-openapi';
import { overviewQuerySchema, overviewSchema, type Overview } from '@kspay/shared';
import { jsonContent } from '../http/openapi';
import type { Services } from '../env';
import { APP_MEMBER_ERRORS, apiResponses, appIdParam, sessionAuth } from './contract';
import { appScopedRoutes, requirePermission } from './middleware/app-owner';
import { metricsStore } from '../store/metrics';
import { userStore } from '../store/users';

const overview = createRoute({
  method: 'get',
  path: '/{appId}/overview',
  summary: "An app's payments overview over the last `days` days",
  tags: ['Merchant console: overview'],
  security: sessionAuth,
  request: { params: appIdParam, query: overviewQuerySchema },
  responses: apiResponses(
    { 200: { description: 'The overview', ...jsonContent(overviewSchema) } },
    [...APP_MEMBER_ERRORS, 'validation_failed']
  )
});

/**
 * `GET /api/apps/:appId/overview?days=30` → `Overview` (shared/src/metrics.ts), mounted at
 * `/api/apps`. Days are the account's (its time zone). Read from the rollups only, so its cost
 * does not grow with the number of transactions (bench "overview" guards it). Someone else's app answers 404 like a missing one.
 */
export function overviewRoutes(s: Services) {
  const metrics = metricsStore(s.db, s.clock);
  const users = userStore(s.db, s.clock);
  return appScopedRoutes(s, 'overview').openapi(
    { ...overview, middleware: [requirePermission('read')] },
    async (c) => {
      const { days } = c.req.valid('query');
      const timeZone = (await users.timeZone(c.get('session').userId)) ?? 'UTC';
      const answer: Overview = await metrics.overview(c.get('app').id, days, timeZone);
      return c.json(answer, 200);
    }
  );
}
