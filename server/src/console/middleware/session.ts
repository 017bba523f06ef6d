import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { AppEnv, Services, SessionContext } from '../../env';
import { ApiError } from '../../lib/errors';
import { sessionStore } from '../../store/sessions';

/** `__Host-` needs Secure, which browsers refuse on plain-http localhost during development. */
export function sessionCookieName(publicOrigin: string): string {
  return publicOrigin.startsWith('https://') ? '__Host-kspay_session' : 'kspay_session';
}

/**
 * Reads the session cookie of a request: the caller, or null without a cookie, for an unknown
 * token or an expired session. For routes that answer both the signed-in and the signed-out
 * (`POST /api/invites/accept`); protected routes use `requireSession`.
 */
export const readSession = (s: Services) => {
  const sessions = sessionStore(s.db, s.clock);
  const name = sessionCookieName(s.config.publicOrigin);
  return async (c: Context): Promise<SessionContext | null> => {
    const token = getCookie(c, name);
    const row = token && token.length <= 128 ? await sessions.validate(token) : null;
    if (!row) return null;
    const expiresAt =
      row.idleExpiresAt < row.absoluteExpiresAt ? row.idleExpiresAt : row.absoluteExpiresAt;
    return {
      userId: row.userId,
      email: row.email,
      name: row.name,
      tokenHash: row.tokenHash,
      authenticatedAt: row.authenticatedAt,
      expiresAt,
      createdAt: row.userCreatedAt,
      emailVerifiedAt: row.emailVerifiedAt
    };
  };
};

/**
 * Protects a route: reads the session cookie, validates it, and puts the caller in
 * `c.get('session')`. No cookie, an unknown token or an expired session answers 401.
 */
export const requireSession = (s: Services) => {
  const read = readSession(s);
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = await read(c);
    if (!session) throw new ApiError('unauthorized', 'Sign in to continue');
    c.set('session', session);
    await next();
  });
};
