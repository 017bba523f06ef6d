import { createRoute } from '@hono/zod-openapi';
import { auditQuerySchema, teamActivityResponseSchema, type TeamAction } from '@kspay/shared';
import { businessParamsSchema } from '@kspay/shared/businesses';
import type { Services } from '../env';
import { jsonContent } from '../http/openapi';
import { auditStore } from '../store/audit';
import { isTeamAction, readTeamAudit } from '../store/team-audit';
import { BUSINESS_ERRORS, apiResponses, sessionAuth } from './contract';
import { businessScopedRoutes } from './middleware/business-member';
import { requirePermission } from './middleware/app-owner';

const activity = createRoute({
  method: 'get',
  path: '/{businessId}/activity',
  summary:
    "The team's activity, newest first: invitations, joins, role changes, removals, transfers (keyset cursor `before`)",
  tags: ['Merchant console: team'],
  security: sessionAuth,
  request: { params: businessParamsSchema, query: auditQuerySchema },
  responses: apiResponses(
    { 200: { description: 'A page', ...jsonContent(teamActivityResponseSchema) } },
    [...BUSINESS_ERRORS, 'validation_failed']
  )
});

/**
 * `GET /api/businesses/:businessId/activity`, mounted at `/api/businesses`: the audit lines of
 * the business itself (team actions have no app, so no app's log lists them). Every member
 * reads it, as they read the team.
 */
export function teamActivityRoutes(s: Services) {
  const audit = auditStore(s.db, s.clock);
  return businessScopedRoutes(s, 'activity').openapi(
    { ...activity, middleware: [requirePermission('read')] },
    async (c) => {
      const asOf = s.clock.now().toISOString();
      const { businessId } = c.get('member');
      const page = await audit.list({ businessId }, c.req.valid('query'));
      const entries = page.entries
        .filter((e) => isTeamAction(e.action))
        .map((e) => readTeamAudit({ ...e, action: e.action as TeamAction }));
      return c.json({ entries, nextBefore: page.nextBefore, asOf }, 200);
    }
  );
}
