import { createRoute } from '@hono/zod-openapi';
import {
  deliveryListQuery,
  deliveryListResponseSchema,
  resendInput,
  webhookCreateInput,
  webhookListResponseSchema,
  webhookResponseSchema,
  webhookSecretResponseSchema,
  webhookUpdateInput
} from '@kspay/shared';
import { z } from 'zod';
import { jsonContent } from '../http/openapi';
import type { Services } from '../env';
import { ApiError } from '../lib/errors';
import { secretBox } from '../lib/secret-box';
import { newEndpointId, webhookStore } from '../store/webhooks';
import { newSigningSecret } from '../webhooks/signing';
import { schemeAllowed } from '../webhooks/ssrf';
import {
  APP_ERRORS,
  BODY_ERRORS,
  WRITE_ERRORS,
  apiResponses,
  appIdParam,
  sessionAuth
} from './contract';
import { appScopedRoutes, requirePermission, requireRecentAuth } from './middleware/app-owner';

const tags = ['Merchant console: webhooks'];
const READ_ERRORS = [...APP_ERRORS, 'forbidden_role'] as const;
const CHANGE_ERRORS = [...READ_ERRORS, ...WRITE_ERRORS] as const;
/** Adding, rotating and deleting need a password entered in the last 10 minutes. */
const SECRET_ERRORS = [...CHANGE_ERRORS, 'reauthentication_required'] as const;
const endpointParams = appIdParam.extend({
  endpointId: z.string().describe('Endpoint id, e.g. we_4Xq0cVb2L')
});
const endpointAnswer = { description: 'The endpoint', ...jsonContent(webhookResponseSchema) };
const secretAnswer = {
  description: 'The endpoint and its signing secret (whsec_…), answered this once',
  ...jsonContent(webhookSecretResponseSchema)
};

const list = createRoute({
  method: 'get',
  path: '/{appId}/webhooks',
  summary: 'List webhook endpoints with their status',
  tags,
  security: sessionAuth,
  request: { params: appIdParam },
  responses: apiResponses(
    { 200: { description: 'Endpoints', ...jsonContent(webhookListResponseSchema) } },
    READ_ERRORS
  )
});

const add = createRoute({
  method: 'post',
  path: '/{appId}/webhooks',
  summary: 'Add an endpoint',
  description:
    'https only (http with WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1). The signing secret is answered once (Cache-Control: no-store).',
  tags,
  security: sessionAuth,
  request: { params: appIdParam, body: { required: true, ...jsonContent(webhookCreateInput) } },
  responses: apiResponses({ 201: secretAnswer }, [...SECRET_ERRORS, ...BODY_ERRORS])
});

const update = createRoute({
  method: 'patch',
  path: '/{appId}/webhooks/{endpointId}',
  summary: 'Change the URL or events, or enable/disable an endpoint',
  tags,
  security: sessionAuth,
  request: {
    params: endpointParams,
    body: {
      required: true,
      ...jsonContent(webhookUpdateInput.safeExtend({ enabled: z.boolean().optional() }))
    }
  },
  responses: apiResponses({ 200: endpointAnswer }, [
    ...CHANGE_ERRORS,
    ...BODY_ERRORS,
    'reauthentication_required'
  ])
});

const rotate = createRoute({
  method: 'post',
  path: '/{appId}/webhooks/{endpointId}/rotate',
  summary: 'Rotate the signing secret (both sign for 24 h)',
  tags,
  security: sessionAuth,
  request: { params: endpointParams },
  responses: apiResponses({ 200: secretAnswer }, SECRET_ERRORS)
});

const remove = createRoute({
  method: 'delete',
  path: '/{appId}/webhooks/{endpointId}',
  summary: 'Delete an endpoint and its delivery log',
  tags,
  security: sessionAuth,
  request: { params: endpointParams },
  responses: apiResponses({ 204: { description: 'Deleted' } }, SECRET_ERRORS)
});

const test = createRoute({
  method: 'post',
  path: '/{appId}/webhooks/{endpointId}/test',
  summary: 'Send a test event to this endpoint',
  tags,
  security: sessionAuth,
  request: { params: endpointParams },
  responses: apiResponses(
    {
      202: {
        description: 'Queued',
        ...jsonContent(z.object({ eventId: z.string() }))
      }
    },
    [...CHANGE_ERRORS, 'conflict']
  )
});

const deliveries = createRoute({
  method: 'get',
  path: '/{appId}/webhooks/{endpointId}/deliveries',
  summary: 'Delivery log: every attempt, newest first',
  tags,
  security: sessionAuth,
  request: { params: endpointParams, query: deliveryListQuery },
  responses: apiResponses(
    { 200: { description: 'A page of attempts', ...jsonContent(deliveryListResponseSchema) } },
    [...READ_ERRORS, 'validation_failed']
  )
});

const resend = createRoute({
  method: 'post',
  path: '/{appId}/webhooks/{endpointId}/resend',
  summary: 'Resend an event of this app to this endpoint',
  tags,
  security: sessionAuth,
  request: { params: endpointParams, body: { required: true, ...jsonContent(resendInput) } },
  responses: apiResponses({ 202: { description: 'Queued' } }, [...CHANGE_ERRORS, ...BODY_ERRORS])
});

/**
 * Webhook endpoints of an app, mounted at `/api/apps`. The signing secret is made here, sealed
 * (SECRETS_KEY, bound to the endpoint id) before it is stored, and answered once.
 */
export function webhookRoutes(s: Services) {
  const store = webhookStore(s.db, s.clock);
  const box = secretBox(s.config.secretsKey);
  const recent = requireRecentAuth(s);
  const read = requirePermission('read');
  const write = requirePermission('integrations.write');
  const policy = s.config.webhooks;
  const checkScheme = (url: string | undefined) => {
    if (url !== undefined && !schemeAllowed(new URL(url), policy)) {
      throw new ApiError('validation_failed', 'The URL must start with https://', {
        url: 'The URL must start with https://'
      });
    }
  };

  return (
    appScopedRoutes(s, 'webhooks', 'webhooks/*')
      .openapi({ ...list, middleware: [read] }, async (c) =>
        c.json({ endpoints: await store.list(c.get('app').id) }, 200)
      )
      .openapi({ ...add, middleware: [write, recent] }, async (c) => {
        const { url, events } = c.req.valid('json');
        checkScheme(url);
        const id = newEndpointId();
        const secret = newSigningSecret();
        const endpoint = await store.create({
          id,
          appId: c.get('app').id,
          url,
          events,
          secretEnc: box.seal(secret, id)
        });
        c.header('Cache-Control', 'no-store');
        return c.json({ endpoint, secret }, 201);
      })
      // Pointing an endpoint elsewhere sends the app's events there: as sensitive as adding one.
      .openapi({ ...update, middleware: [write, recent] }, async (c) => {
        const change = c.req.valid('json');
        checkScheme(change.url);
        return c.json(
          { endpoint: await store.update(c.get('app').id, c.req.param('endpointId'), change) },
          200
        );
      })
      .openapi({ ...rotate, middleware: [write, recent] }, async (c) => {
        const id = c.req.param('endpointId');
        const secret = newSigningSecret();
        const endpoint = await store.rotate(c.get('app').id, id, box.seal(secret, id));
        c.header('Cache-Control', 'no-store');
        return c.json({ endpoint, secret }, 200);
      })
      .openapi({ ...remove, middleware: [write, recent] }, async (c) => {
        await store.remove(c.get('app').id, c.req.param('endpointId'));
        return c.body(null, 204);
      })
      .openapi({ ...test, middleware: [write] }, async (c) => {
        const eventId = await store.sendTest(c.get('app').id, c.req.param('endpointId'));
        return c.json({ eventId }, 202);
      })
      .openapi({ ...deliveries, middleware: [read] }, async (c) =>
        c.json(
          await store.deliveries(c.get('app').id, c.req.param('endpointId'), c.req.valid('query')),
          200
        )
      )
      .openapi({ ...resend, middleware: [write] }, async (c) => {
        const { eventId } = c.req.valid('json');
        await store.resend(c.get('app').id, c.req.param('endpointId'), eventId);
        return c.body(null, 202);
      })
  );
}
