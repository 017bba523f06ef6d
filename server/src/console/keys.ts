import { createRoute } from '@hono/zod-openapi';
import {
  keyCreatedResponseSchema,
  keyListResponseSchema,
  keyResponseSchema,
  regenerateKeyInput
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
  requireRecentAuth,
  requireVerifiedEmail
} from './middleware/app-owner';
import { keyStore } from '../store/keys';

const tags = ['Merchant console: keys'];
/** Key actions need a password entered in the last 10 minutes (`requireRecentAuth`). */
const ACTION_ERRORS = [...APP_MEMBER_ERRORS, ...WRITE_ERRORS, 'reauthentication_required'] as const;
const keyParams = appIdParam.extend({
  keyId: z.string().describe('Key pair id, e.g. ak_4Xq0cVb2L')
});

const list = createRoute({
  method: 'get',
  path: '/{appId}/keys',
  summary: 'List key pairs (never a secret)',
  tags,
  security: sessionAuth,
  request: { params: appIdParam },
  responses: apiResponses(
    { 200: { description: 'Key pairs', ...jsonContent(keyListResponseSchema) } },
    APP_MEMBER_ERRORS
  )
});

const generate = createRoute({
  method: 'post',
  path: '/{appId}/keys',
  summary: 'Generate the first pair (none active)',
  description:
    "Answers the secret once (Cache-Control: no-store). 403 email_unverified until the account's email is verified; 401 reauthentication_required when the password is older than 10 minutes.",
  tags,
  security: sessionAuth,
  request: { params: appIdParam },
  responses: apiResponses(
    { 201: { description: 'The pair and its secret', ...jsonContent(keyCreatedResponseSchema) } },
    [...ACTION_ERRORS, 'conflict', 'email_unverified']
  )
});

const regenerate = createRoute({
  method: 'post',
  path: '/{appId}/keys/{keyId}/regenerate',
  summary: 'Replace the current pair',
  description: 'grace: now | 1h | 24h | 7d — how long the old pair keeps working.',
  tags,
  security: sessionAuth,
  request: {
    params: keyParams,
    body: { required: true, ...jsonContent(regenerateKeyInput) }
  },
  responses: apiResponses(
    {
      201: {
        description: 'The new pair, its secret, and the old pair',
        ...jsonContent(keyCreatedResponseSchema)
      }
    },
    [...ACTION_ERRORS, ...BODY_ERRORS, 'conflict', 'email_unverified']
  )
});

const keyAction = (action: 'disable' | 'enable', summary: string) =>
  createRoute({
    method: 'post',
    path: `/{appId}/keys/{keyId}/${action}`,
    summary,
    tags,
    security: sessionAuth,
    request: { params: keyParams },
    responses: apiResponses(
      { 200: { description: 'The pair', ...jsonContent(keyResponseSchema) } },
      [...ACTION_ERRORS, 'conflict']
    )
  });
const disable = keyAction('disable', 'Disable a pair at once (and its tokens)');
const enable = keyAction('enable', 'Enable a disabled pair that was not replaced');

/**
 * Merchant-facing key management, mounted at `/api/apps`. The server is the only authority:
 * keys are minted here, the secret is answered once (`Cache-Control: no-store`, as every
 * `/api` answer) and only its SHA-256 and a hint are stored. Actions need a recent password.
 */
export function keysRoutes(s: Services) {
  const keys = keyStore(s.db, s.clock);
  const manage = requirePermission('keys.manage');
  const recent = [manage, requireRecentAuth(s)];
  // Minting a secret needs a proven address; disabling one never does.
  const mint = [manage, requireVerifiedEmail(), requireRecentAuth(s)];

  return appScopedRoutes(s, 'keys', 'keys/*')
    .openapi({ ...list, middleware: [requirePermission('keys.read')] }, async (c) =>
      c.json({ keys: await keys.list(c.get('app').id) }, 200)
    )
    .openapi({ ...generate, middleware: mint }, async (c) => {
      const created = await keys.generate(c.get('app').id, actorOf(c, s));
      c.header('Cache-Control', 'no-store');
      return c.json(created, 201);
    })
    .openapi({ ...regenerate, middleware: mint }, async (c) => {
      const { grace } = c.req.valid('json');
      const created = await keys.regenerate(
        c.get('app').id,
        c.req.param('keyId'),
        grace,
        actorOf(c, s)
      );
      c.header('Cache-Control', 'no-store');
      return c.json(created, 201);
    })
    .openapi({ ...disable, middleware: recent }, async (c) =>
      c.json({ key: await keys.disable(c.get('app').id, c.req.param('keyId'), actorOf(c, s)) }, 200)
    )
    .openapi({ ...enable, middleware: recent }, async (c) =>
      c.json({ key: await keys.enable(c.get('app').id, c.req.param('keyId'), actorOf(c, s)) }, 200)
    );
}
