import { overviewQuerySchema, type Overview } from '@kspay/shared';
import { Hono } from 'hono';
import type { Services } from '../env';
import { validate } from '../lib/validate';
import { requireOwnedApp, type AppScopedEnv } from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { metricsStore } from '../store/metrics';

/**
 * `GET /api/apps/:appId/overview?days=30` → `Overview` (shared/src/metrics.ts), mounted at
 * `/api/apps`. Read from the daily rollups only, so its cost does not grow with the number of
 * transactions. Someone else's app answers 404 like a missing one.
 */
export function overviewRoutes(s: Services) {
  const metrics = metricsStore(s.db.db);
  return new Hono<AppScopedEnv>()
    .use('/:appId/overview', requireSession(s), requireOwnedApp(s))
    .get('/:appId/overview', validate('query', overviewQuerySchema), async (c) => {
      const { days } = c.req.valid('query');
      const overview: Overview = await metrics.overview(c.get('app').id, s.clock.now(), days);
      return c.json(overview);
    });
}
