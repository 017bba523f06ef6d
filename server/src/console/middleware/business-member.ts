import { can, ROLE_REFUSAL, type Permission, type Role } from '@kspay/shared';
import { businessIdSchema } from '@kspay/shared/ids';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Services } from '../../env';
import { RouteApp } from '../../http/openapi';
import { ApiError } from '../../lib/errors';
import { businessStore } from '../../store/businesses';
import { apiHook } from '../validate';
import { requireSession } from './session';

/** Routes under `/api/businesses/:businessId/…`: the caller's role in that business. */
export interface BusinessEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { business: { id: string; role: Role } };
}

/**
 * Runs after `requireSession`: the caller must be a member of the business. A business the
 * caller does not belong to answers exactly like a missing one (404), so ids cannot be probed.
 * The role is read from committed state on every request, never cached.
 */
const requireMember = (s: Services) => {
  const businesses = businessStore(s.db, s.clock);
  return createMiddleware<BusinessEnv>(async (c, next) => {
    const businessId = c.req.param('businessId') ?? '';
    const userId = c.get('session').userId;
    const role = businessIdSchema.safeParse(businessId).success
      ? await businesses.roleOf(businessId, userId)
      : null;
    if (!role) throw new ApiError('not_found', 'There is no such business');
    await businesses.touch(businessId, userId);
    c.set('business', { id: businessId, role });
    await next();
  });
};

/** Runs after `requireMember`: the role must allow `permission`, else 403 `forbidden_role`. */
export const requireBusinessPermission = (permission: Permission) =>
  createMiddleware<BusinessEnv>(async (c, next) => {
    if (!can(c.get('business').role, permission)) {
      throw new ApiError('forbidden_role', ROLE_REFUSAL);
    }
    await next();
  });

/**
 * A route group mounted at `/api/businesses` whose routes act on one business: every path
 * pattern given (below `/:businessId/`) needs a session and membership, which handlers read as
 * `c.get('business')`.
 */
export function businessScopedRoutes(s: Services, ...paths: string[]): RouteApp<BusinessEnv> {
  const app = new RouteApp<BusinessEnv>({ defaultHook: apiHook });
  const scope = [requireSession(s), requireMember(s)] as const;
  for (const path of paths) app.use(`/:businessId/${path}`, ...scope);
  return app;
}
