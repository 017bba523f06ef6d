import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Services } from '../env';
import { clientIp } from '../lib/client-ip';
import { newToken } from '../lib/tokens';
import { authChallengeStore } from '../store/auth-challenges';
import { sessionStore } from '../store/sessions';
import { userStore } from '../store/users';
import { sessionInfo, setSessionCookie } from './cookies';

/** A correct password opens a window this long for the second factor. */
const PENDING_TTL_MS = 5 * 60 * 1000;

const cookieName = (publicOrigin: string) =>
  publicOrigin.startsWith('https://') ? '__Host-kspay_pending' : 'kspay_pending';
const cookieOptions = (publicOrigin: string) => ({
  httpOnly: true,
  sameSite: 'Strict' as const,
  path: '/',
  secure: publicOrigin.startsWith('https://')
});

/**
 * The step between a correct password and a session when the account has two-factor sign-in:
 * an HttpOnly cookie holding a random token whose SHA-256 is bound to the account for five
 * minutes. It is no session: no route but the second-factor one reads it, and that route uses
 * it up (`finish`) only when a factor was proven.
 */
export function pendingSignIns(s: Services) {
  const store = authChallengeStore(s.db, s.clock);
  const origin = s.config.publicOrigin;
  const read = (c: Context) => {
    const token = getCookie(c, cookieName(origin));
    return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
  };
  return {
    async start(c: Context, userId: string): Promise<void> {
      const token = newToken();
      await store.put(token, 'sign-in', userId, PENDING_TTL_MS);
      setCookie(c, cookieName(origin), token, {
        ...cookieOptions(origin),
        maxAge: PENDING_TTL_MS / 1000
      });
    },

    /** The account waiting for its second factor, or null (no cookie, unknown, expired). */
    async account(c: Context): Promise<string | null> {
      const token = read(c);
      return token ? ((await store.peek(token, 'sign-in')) ?? null) : null;
    },

    /** Uses the pending step up; false when another request already did. */
    async finish(c: Context): Promise<boolean> {
      const token = read(c);
      deleteCookie(c, cookieName(origin), cookieOptions(origin));
      return token !== null && (await store.take(token, 'sign-in')) !== undefined;
    }
  };
}

/** Signs `userId` in: a new session, its cookie, and the `SessionInfo` answer. */
export async function beginSession(c: Context, s: Services, userId: string) {
  const user = await userStore(s.db, s.clock).findById(userId);
  if (!user) return null;
  const session = await sessionStore(s.db, s.clock).create(user.id, {
    ip: clientIp(c, s.config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  });
  setSessionCookie(c, s.config.publicOrigin, session.token);
  return sessionInfo(user, session);
}
