import { createRoute } from '@hono/zod-openapi';
import {
  addDomainInput,
  auditListResponseSchema,
  auditQuerySchema,
  domainListResponseSchema,
  domainSchema
} from '@kspay/shared';
import { z } from 'zod';
import { jsonContent } from '../http/openapi';
import type { Services } from '../env';
import {
  APP_MEMBER_ERRORS,
  BODY_ERRORS,
  WRITE_ERRORS,
  apiResponses,
  appIdParam,
  sessionAuth
} from './contract';
import {
  actorOf,
  appScopedRoutes,
  requirePermission,
  requireRecentAuth
} from './middleware/app-owner';
import { auditStore } from '../store/audit';
import { domainStore } from '../store/domains';

const tags = ['Merchant console: settings'];

const auditList = createRoute({
  method: 'get',
  path: '/{appId}/audit',
  summary: 'Activity log, newest first',
  tags,
  security: sessionAuth,
  request: { params: appIdParam, query: auditQuerySchema },
  responses: apiResponses(
    { 200: { description: 'Entries', ...jsonContent(auditListResponseSchema) } },
    [...APP_MEMBER_ERRORS, 'validation_failed']
  )
});

const domainList = createRoute({
  method: 'get',
  path: '/{appId}/domains',
  summary: 'Allowed browser origins',
  tags,
  security: sessionAuth,
  request: { params: appIdParam },
  responses: apiResponses(
    { 200: { description: 'Domains', ...jsonContent(domainListResponseSchema) } },
    APP_MEMBER_ERRORS
  )
});

const domainAdd = createRoute({
  method: 'post',
  path: '/{appId}/domains',
  summary: 'Allow an origin',
  description:
    'Like key actions, needs the password entered in the last 10 minutes (else 401 reauthentication_required).',
  tags,
  security: sessionAuth,
  request: { params: appIdParam, body: { required: true, ...jsonContent(addDomainInput) } },
  responses: apiResponses(
    { 201: { description: 'The domain', ...jsonContent(z.object({ domain: domainSchema })) } },
    [...APP_MEMBER_ERRORS, ...WRITE_ERRORS, ...BODY_ERRORS, 'conflict', 'reauthentication_required']
  )
});

const domainRemove = createRoute({
  method: 'delete',
  path: '/{appId}/domains/{domainId}',
  summary: 'Remove an origin',
  description:
    'Like key actions, needs the password entered in the last 10 minutes (else 401 reauthentication_required).',
  tags,
  security: sessionAuth,
  request: { params: appIdParam.extend({ domainId: z.string().describe('dm_…') }) },
  responses: apiResponses({ 204: { description: 'Removed' } }, [
    ...APP_MEMBER_ERRORS,
    ...WRITE_ERRORS,
    'reauthentication_required'
  ])
});

/**
 * Settings beside the keys, mounted at `/api/apps`: the activity log (every key and domain
 * action with who, when, IP and browser) and the Domain tab, the origins allowed to use the
 * public key from a browser. Changing that list widens or narrows who may use the key, so it
 * needs a recent password, as key actions do.
 */
export function appSettingsRoutes(s: Services) {
  const audit = auditStore(s.db, s.clock);
  const domains = domainStore(s.db, s.clock);
  const change = [requirePermission('integrations.write'), requireRecentAuth(s)];
  return appScopedRoutes(s, 'audit', 'domains', 'domains/*')
    .openapi({ ...auditList, middleware: [requirePermission('read')] }, async (c) =>
      c.json(await audit.list({ appId: c.get('app').id }, c.req.valid('query')), 200)
    )
    .openapi({ ...domainList, middleware: [requirePermission('read')] }, async (c) =>
      c.json({ domains: await domains.list(c.get('app').id) }, 200)
    )
    .openapi({ ...domainAdd, middleware: change }, async (c) => {
      const { origin } = c.req.valid('json');
      const domain = await domains.add(c.get('app').id, origin, actorOf(c, s));
      return c.json({ domain }, 201);
    })
    .openapi({ ...domainRemove, middleware: change }, async (c) => {
      await domains.remove(c.get('app').id, c.req.param('domainId'), actorOf(c, s));
      return c.body(null, 204);
    });
}
