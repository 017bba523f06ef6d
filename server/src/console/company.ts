import { createRoute } from '@hono/zod-openapi';
import { companyProfileInput, companyProfileSchema } from '@kspay/shared/company';
import { businessParamsSchema } from '@kspay/shared/businesses';
import type { Services } from '../env';
import { jsonContent } from '../http/openapi';
import { companyProfileStore } from '../store/company-profiles';
import { BODY_ERRORS, BUSINESS_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { businessScopedRoutes } from './middleware/business-member';
import { requirePermission } from './middleware/app-owner';

const tags = ['Merchant console: business'];

const read = createRoute({
  method: 'get',
  path: '/{businessId}/company',
  summary: "The business's company profile (every field null until saved)",
  tags,
  security: sessionAuth,
  request: { params: businessParamsSchema },
  responses: apiResponses(
    { 200: { description: 'The company profile', ...jsonContent(companyProfileSchema) } },
    BUSINESS_ERRORS
  )
});

const save = createRoute({
  method: 'patch',
  path: '/{businessId}/company',
  summary:
    'Save the company profile: business name, website (https), address, country, state, city, postcode — all optional; a field left out is cleared',
  tags,
  security: sessionAuth,
  request: {
    params: businessParamsSchema,
    body: { content: { 'application/json': { schema: companyProfileInput } }, required: true }
  },
  responses: apiResponses(
    { 200: { description: 'The profile as saved', ...jsonContent(companyProfileSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, ...BUSINESS_ERRORS]
  )
});

/**
 * `GET`/`PATCH /api/businesses/:businessId/company`, mounted at `/api/businesses`: the
 * business's company profile. Every member may read it; Owners and Admins change it.
 */
export function companyRoutes(s: Services) {
  const profiles = companyProfileStore(s.db, s.clock);
  return businessScopedRoutes(s, 'company')
    .openapi({ ...read, middleware: [requirePermission('read')] }, async (c) =>
      c.json(await profiles.get(c.get('member').businessId), 200)
    )
    .openapi({ ...save, middleware: [requirePermission('business.write')] }, async (c) => {
      const { businessId } = c.get('member');
      const saved = await profiles.save(businessId, c.req.valid('json'));
      s.log.info({ businessId, userId: c.get('session').userId }, 'company profile saved');
      return c.json(saved, 200);
    });
}
