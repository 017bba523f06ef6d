import {
  pullRequestSchema,
  pushRequestSchema,
  SYNC_SCHEMA_VERSION,
  syncEnvelopeSchema
} from '@kspay/shared';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Services } from '../env';
import { ApiError } from '../lib/errors';
import { validate } from '../lib/validate';
import { requireSession } from './middleware/session';
import { syncStore } from '../store/sync';

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

/** `POST /api/sync/push` and `POST /api/sync/pull` (DESIGN.md §4; store/sync.ts). */
export function syncRoutes(s: Services) {
  const sync = syncStore(s.db, s.clock);
  return new Hono<AppEnv>()
    .post(
      '/push',
      requireSession(s),
      requireKnownSchemaVersion,
      validate('json', pushRequestSchema),
      async (c) => {
        const { clientId, mutations } = c.req.valid('json');
        return c.json(await sync.push(c.get('session').userId, clientId, mutations), 200);
      }
    )
    .post(
      '/pull',
      requireSession(s),
      requireKnownSchemaVersion,
      validate('json', pullRequestSchema),
      async (c) => {
        return c.json(await sync.pull(c.get('session').userId, c.req.valid('json')), 200);
      }
    );
}
