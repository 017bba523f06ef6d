import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Services } from '../../env';
import { ApiError } from '../../lib/errors';
import { sessionStore } from '../../store/sessions';

/** `__Host-` needs Secure, which browsers refuse on plain-http localhost during development. */
export function sessionCookieName(publicOrigin: string): string {
  return publicOrigin.startsWith('https://') ? '__Host-kspay_session' : 'kspay_session';
}

/**
 * Protects a route: reads the session cookie, validates it, and puts the caller in
 * `c.get('session')`. No cookie, an unknown token or an expired session answers 401.
 */
export const requireSession = (s: Services) => {
  const sessions = sessionStore(s.db, s.clock);
  const name = sessionCookieName(s.config.publicOrigin);
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = getCookie(c, name);
    const row = token && token.length <= 128 ? await sessions.validate(token) : null;
    if (!row) throw new ApiError('unauthorized', 'Sign in to continue');
    const expiresAt =
      row.idleExpiresAt < row.absoluteExpiresAt ? row.idleExpiresAt : row.absoluteExpiresAt;
    c.set('session', {
      userId: row.userId,
      email: row.email,
      name: row.name,
      tokenHash: row.tokenHash,
      authenticatedAt: row.authenticatedAt,
      expiresAt,
      createdAt: row.userCreatedAt,
      emailVerifiedAt: row.emailVerifiedAt
    });
    await next();
  });
};
