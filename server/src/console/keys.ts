import { regenerateKeyInput } from '@kspay/shared';
import { Hono } from 'hono';
import type { Services } from '../env';
import { validate } from '../lib/validate';
import {
  actorOf,
  requireOwnedApp,
  requireRecentAuth,
  type AppScopedEnv
} from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { keyStore } from '../store/keys';

/** A key id in the path; anything else falls through to the `/api` 404. */
const KEY = ':keyId{ak_[A-Za-z0-9]{9}}';

/**
 * Merchant-facing key management, mounted at `/api/apps`. The server is the only authority:
 * keys are minted here, the secret is answered once (`Cache-Control: no-store`, as every
 * `/api` answer) and only its SHA-256 and a hint are stored. Actions need a recent password.
 */
export function keysRoutes(s: Services) {
  const keys = keyStore(s.db, s.clock);
  const scope = [requireSession(s), requireOwnedApp(s)] as const;
  const recent = requireRecentAuth(s);

  return new Hono<AppScopedEnv>()
    .use('/:appId/keys', ...scope)
    .use('/:appId/keys/*', ...scope)
    .get('/:appId/keys', async (c) => c.json({ keys: await keys.list(c.get('app').id) }))
    .post('/:appId/keys', recent, async (c) => {
      const created = await keys.generate(c.get('app').id, actorOf(c, s));
      c.header('Cache-Control', 'no-store');
      return c.json(created, 201);
    })
    .post(
      `/:appId/keys/${KEY}/regenerate`,
      recent,
      validate('json', regenerateKeyInput),
      async (c) => {
        const { grace } = c.req.valid('json');
        const created = await keys.regenerate(
          c.get('app').id,
          c.req.param('keyId'),
          grace,
          actorOf(c, s)
        );
        c.header('Cache-Control', 'no-store');
        return c.json(created, 201);
      }
    )
    .post(`/:appId/keys/${KEY}/disable`, recent, async (c) =>
      c.json({ key: await keys.disable(c.get('app').id, c.req.param('keyId'), actorOf(c, s)) })
    )
    .post(`/:appId/keys/${KEY}/enable`, recent, async (c) =>
      c.json({ key: await keys.enable(c.get('app').id, c.req.param('keyId'), actorOf(c, s)) })
    );
}
