import { createRoute } from '@hono/zod-openapi';
import { appPushResponseSchema, pullResponseSchema } from '@kspay/shared/app-record';
import {
  pullRequestSchema,
  pushRequestSchema,
  SYNC_SCHEMA_VERSION,
  syncEnvelopeSchema
} from '@kspay/shared';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Services } from '../env';
import { ApiError } from '../lib/errors';
import { jsonContent, RouteApp } from '../http/openapi';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';
import { syncStore, type SyncCaller } from '../store/sync';
import { actorOf } from './middleware/app-owner';
import type { Context } from 'hono';

/**
 * An unknown `schemaVersion` is answered before the body is validated, so even a client whose
 * body shape has drifted learns that it should update (the app offers its update on this code).
 */
const requireKnownSchemaVersion = createMiddleware<AppEnv>(async (c, next) => {
  const body: unknown = await c.req.json().catch(() => undefined);
  const envelope = syncEnvelopeSchema.safeParse(body);
  if (envelope.success && envelope.data.schemaVersion !== SYNC_SCHEMA_VERSION) {
    throw new ApiError(
      'client_outdated',
      'A newer version of KS Pay is available: reload to update'
    );
  }
  await next();
});

const tags = ['Merchant console: sync'];
const SYNC_ERRORS = [
  ...WRITE_ERRORS,
  ...BODY_ERRORS,
  'unauthorized',
  'client_outdated',
  'not_a_member'
] as const;

const push = createRoute({
  method: 'post',
  path: '/push',
  summary: "Apply the device's queued app mutations, in order",
  tags,
  security: sessionAuth,
  request: { body: { required: true, ...jsonContent(pushRequestSchema) } },
  responses: apiResponses(
    {
      200: { description: 'Applied and refused mutations', ...jsonContent(appPushResponseSchema) }
    },
    [...SYNC_ERRORS, 'mutation_gap', 'unavailable']
  )
});

const pull = createRoute({
  method: 'post',
  path: '/pull',
  summary: "The business's apps changed since the device's cursor",
  tags,
  security: sessionAuth,
  request: { body: { required: true, ...jsonContent(pullRequestSchema) } },
  responses: apiResponses(
    { 200: { description: 'Changes and the next cursor', ...jsonContent(pullResponseSchema) } },
    SYNC_ERRORS
  )
});

/**
 * `POST /api/sync/push` and `POST /api/sync/pull` (DESIGN.md §4; store/sync.ts), per
 * (person, business): membership and role are checked by the store on every request.
 */
export function syncRoutes(s: Services) {
  const sync = syncStore(s.db, s.clock);
  const caller = (c: Context<AppEnv>, businessId: string): SyncCaller => ({
    userId: c.get('session').userId,
    businessId,
    actor: actorOf(c, s)
  });
  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi({ ...push, middleware: [requireSession(s), requireKnownSchemaVersion] }, async (c) => {
      const { businessId, clientId, mutations } = c.req.valid('json');
      return c.json(await sync.push(caller(c, businessId), clientId, mutations), 200);
    })
    .openapi({ ...pull, middleware: [requireSession(s), requireKnownSchemaVersion] }, async (c) => {
      const req = c.req.valid('json');
      return c.json(await sync.pull(caller(c, req.businessId), req), 200);
    });
}
