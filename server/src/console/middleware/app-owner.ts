import { can, REAUTH_WINDOW_MS, ROLE_REFUSAL, type Permission } from '@kspay/shared';
import { appIdSchema } from '@kspay/shared/ids';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, BusinessEnv, Services } from '../../env';
import { RouteApp } from '../../http/openapi';
import { clientIp } from '../../lib/client-ip';
import { ApiError } from '../../lib/errors';
import { memberApp, type MemberAppState } from '../../store/apps-access';
import type { Actor } from '../../store/audit';
import { apiHook } from '../validate';
import { requireSession } from './session';
import { touchMembership } from './business-member';

/** Routes under `/api/apps/:appId/…` that act on an app of one of the caller's businesses. */
export interface AppScopedEnv extends BusinessEnv {
  Variables: BusinessEnv['Variables'] & { app: MemberAppState };
}

/**
 * Runs after `requireSession`: the app must exist and its business must count the caller as a
 * member. An app of a business the caller is not in answers exactly like a missing one (404),
 * so ids cannot be probed. The role is read with the app, from committed state, on every
 * request (never cached): a role change or removal applies to the very next request.
 */
export const requireOwnedApp = (s: Services) =>
  createMiddleware<AppScopedEnv>(async (c, next) => {
    const appId = c.req.param('appId') ?? '';
    const { userId } = c.get('session');
    const app = appIdSchema.safeParse(appId).success
      ? await memberApp(s.db.db, appId, userId)
      : null;
    if (!app) throw new ApiError('not_found', 'There is no such app');
    c.set('app', app);
    c.set('member', { businessId: app.businessId, role: app.role });
    await touchMembership(s, app.businessId, userId, app.lastActiveAt);
    await next();
  });

/**
 * A route group mounted at `/api/apps` whose routes act on one of the caller's apps: every
 * path pattern given (e.g. `'keys'`, `'keys/*'`, below `/:appId/`) needs a session and an app
 * the caller owns, which handlers read as `c.get('app')`.
 */
export function appScopedRoutes(s: Services, ...paths: string[]): RouteApp<AppScopedEnv> {
  const app = new RouteApp<AppScopedEnv>({ defaultHook: apiHook });
  const scope = [requireSession(s), requireOwnedApp(s)] as const;
  for (const path of paths) app.use(`/:appId/${path}`, ...scope);
  return app;
}

/**
 * Runs after `requireOwnedApp` or `requireMember`: the caller's role in the business must
 * allow `permission` (shared/src/roles.ts), or the route answers 403 `forbidden_role` and
 * changes nothing.
 */
export const requirePermission = (permission: Permission) =>
  createMiddleware<BusinessEnv>(async (c, next) => {
    if (!can(c.get('member').role, permission)) throw new ApiError('forbidden_role', ROLE_REFUSAL);
    await next();
  });

/**
 * Key actions and changes to the allowed domains ask for the password again when it was last
 * entered more than 10 minutes ago (the web app then calls `POST /api/auth/reauthenticate` and
 * retries).
 */
export const requireRecentAuth = (s: Services) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const at = Date.parse(c.get('session').authenticatedAt);
    if (!(s.clock.now().getTime() - at < REAUTH_WINDOW_MS)) {
      throw new ApiError('reauthentication_required', 'Enter your password again to continue');
    }
    await next();
  });

/**
 * Key generation waits for a proven address: until its owner opens the "Verify your email"
 * link, an account may be a stranger's claim on someone else's email.
 */
export const requireVerifiedEmail = () =>
  createMiddleware<AppScopedEnv>(async (c, next) => {
    if (!c.get('session').emailVerifiedAt) {
      throw new ApiError('email_unverified', 'Verify your email to generate API keys');
    }
    await next();
  });

/** The signed-in caller and where they act from, as the audit log records them. */
export function actorOf<E extends AppEnv>(c: Context<E>, s: Services): Actor {
  return {
    userId: c.get('session').userId,
    ip: clientIp(c, s.config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  };
}
