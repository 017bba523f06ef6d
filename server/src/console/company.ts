import { createRoute } from '@hono/zod-openapi';
import { companyProfileInput, companyProfileSchema } from '@kspay/shared/company';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { companyProfileStore } from '../store/company-profiles';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';

const tags = ['Merchant console: profile'];

const read = createRoute({
  method: 'get',
  path: '/',
  summary: "The merchant's company profile (every field null until saved)",
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'The company profile', ...jsonContent(companyProfileSchema) } },
    ['unauthorized']
  )
});

const save = createRoute({
  method: 'patch',
  path: '/',
  summary:
    'Save the company profile: business name, website (https), address, country, state, city, postcode — all optional; a field left out is cleared',
  tags,
  security: sessionAuth,
  request: {
    body: { content: { 'application/json': { schema: companyProfileInput } }, required: true }
  },
  responses: apiResponses(
    { 200: { description: 'The profile as saved', ...jsonContent(companyProfileSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized']
  )
});

/** `GET`/`PATCH /api/company`: the signed-in merchant's own company profile, nobody else's. */
export function companyRoutes(s: Services) {
  const profiles = companyProfileStore(s.db, s.clock);
  const app = new RouteApp<AppEnv>({ defaultHook: apiHook });
  app.use('/', requireSession(s));
  return app
    .openapi(read, async (c) => c.json(await profiles.get(c.get('session').userId), 200))
    .openapi(save, async (c) => {
      const { userId } = c.get('session');
      const saved = await profiles.save(userId, c.req.valid('json'));
      s.log.info({ userId }, 'company profile saved');
      return c.json(saved, 200);
    });
}
