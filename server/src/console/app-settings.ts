import { addDomainInput, auditQuerySchema } from '@kspay/shared';
import { Hono } from 'hono';
import type { Services } from '../env';
import { validate } from '../lib/validate';
import { actorOf, requireOwnedApp, type AppScopedEnv } from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { auditStore } from '../store/audit';
import { domainStore } from '../store/domains';

/**
 * Settings beside the keys, mounted at `/api/apps`: the activity log (every key and domain
 * action with who, when, IP and browser) and the Domain tab, the origins allowed to use the
 * public key from a browser.
 */
export function appSettingsRoutes(s: Services) {
  const audit = auditStore(s.db.db);
  const domains = domainStore(s.db, s.clock);
  const scope = [requireSession(s), requireOwnedApp(s)] as const;

  return new Hono<AppScopedEnv>()
    .use('/:appId/audit', ...scope)
    .use('/:appId/domains', ...scope)
    .use('/:appId/domains/*', ...scope)
    .get('/:appId/audit', validate('query', auditQuerySchema), async (c) =>
      c.json(await audit.list(c.get('app').id, c.req.valid('query')))
    )
    .get('/:appId/domains', async (c) => c.json({ domains: await domains.list(c.get('app').id) }))
    .post('/:appId/domains', validate('json', addDomainInput), async (c) => {
      const { origin } = c.req.valid('json');
      const domain = await domains.add(c.get('app').id, origin, actorOf(c, s));
      return c.json({ domain }, 201);
    })
    .delete('/:appId/domains/:domainId{dm_[A-Za-z0-9]{9}}', async (c) => {
      await domains.remove(c.get('app').id, c.req.param('domainId'), actorOf(c, s));
      return c.body(null, 204);
    });
}
