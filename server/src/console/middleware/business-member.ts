import { businessIdSchema } from '@kspay/shared/ids';
import { createMiddleware } from 'hono/factory';
import type { BusinessEnv, Services } from '../../env';
import { RouteApp } from '../../http/openapi';
import { ApiError } from '../../lib/errors';
import { businessStore, TOUCH_INTERVAL_MS } from '../../store/businesses';
import { apiHook } from '../validate';
import { requireSession } from './session';

/** The answer for a business the caller is not (or no longer) a member of, existing or not. */
export const notAMember = () =>
  new ApiError('not_a_member', 'You are not a member of this business');

/** Records the member's activity when the last record is a minute old or more. */
export async function touchMembership(
  s: Services,
  businessId: string,
  userId: string,
  lastActiveAt: string | null
): Promise<void> {
  const now = s.clock.now().getTime();
  if (lastActiveAt && now - Date.parse(lastActiveAt) < TOUCH_INTERVAL_MS) return;
  await businessStore(s.db, s.clock).touch(businessId, userId);
}

/**
 * Runs after `requireSession` on `/api/businesses/:businessId/…`: the caller must be a member
 * of that business, read from committed state on every request (never cached), or the route
 * answers 403 `not_a_member` — the same for a business that does not exist, so ids cannot be
 * probed. Handlers read `c.get('member')`; `requirePermission` checks the role.
 */
export const requireMember = (s: Services) => {
  const businesses = businessStore(s.db, s.clock);
  return createMiddleware<BusinessEnv>(async (c, next) => {
    const businessId = c.req.param('businessId') ?? '';
    const { userId } = c.get('session');
    const membership = businessIdSchema.safeParse(businessId).success
      ? await businesses.membership(businessId, userId)
      : null;
    if (!membership) throw notAMember();
    c.set('member', { businessId, role: membership.role });
    await touchMembership(s, businessId, userId, membership.lastActiveAt);
    await next();
  });
};

/**
 * A route group mounted at `/api/businesses` whose routes act on one business of the caller's:
 * every path pattern given (e.g. `'company'`, `'members/*'`, below `/:businessId/`) needs a
 * session and membership; add `requirePermission(…)` to each route for its role rule.
 */
export function businessScopedRoutes(s: Services, ...paths: string[]): RouteApp<BusinessEnv> {
  const app = new RouteApp<BusinessEnv>({ defaultHook: apiHook });
  const scope = [requireSession(s), requireMember(s)] as const;
  for (const path of paths) app.use(`/:businessId/${path}`, ...scope);
  return app;
}
