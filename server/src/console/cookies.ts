import type { SessionInfo } from '@kspay/shared';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { sessionCookieName } from './middleware/session';
import { SESSION_ABSOLUTE_MS } from '../store/sessions';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries
 * it), Path=/. On https it is `__Host-` + Secure, so no subdomain or plain-http page can set or
 * read it. It lives until the absolute expiry; the database enforces the 7-day idle expiry,
 * which slides with use, so the cookie need not be rewritten on every request.
 */
export function setSessionCookie(c: Context, publicOrigin: string, token: string): void {
  const secure = publicOrigin.startsWith('https://');
  setCookie(c, sessionCookieName(publicOrigin), token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure,
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000)
  });
}

export function clearSessionCookie(c: Context, publicOrigin: string): void {
  const secure = publicOrigin.startsWith('https://');
  deleteCookie(c, sessionCookieName(publicOrigin), {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure
  });
}

/** The `SessionInfo` answer (shared `sessionInfoSchema`): who is signed in, and until when. */
export function sessionInfo(
  user: {
    id: string;
    email: string;
    name: string;
    createdAt: string;
    emailVerifiedAt: string | null;
  },
  session: { authenticatedAt: string; expiresAt: string }
): SessionInfo {
  return {
    user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt },
    emailVerified: user.emailVerifiedAt !== null,
    authenticatedAt: session.authenticatedAt,
    expiresAt: session.expiresAt
  };
}
