import { reauthenticateInput, signInInput, signUpInput } from '@kspay/shared';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Services } from '../env';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { clearSessionCookie, sessionInfo, setSessionCookie } from '../lib/cookies';
import { ApiError } from '../lib/errors';
import {
  COMMON_PASSWORD_MESSAGE,
  dummyHasher,
  hashPassword,
  isCommonPassword,
  needsRehash,
  verifyPassword
} from '../lib/password';
import { createLimiter } from '../lib/rate-limit';
import { hashToken } from '../lib/tokens';
import { validate } from '../lib/validate';
import { requireSession, sessionCookieName } from './middleware/session';
import { sessionStore } from '../store/sessions';
import { EmailTakenError, userStore } from '../store/users';
import { passwordResetRoutes } from './password-reset';

const INCORRECT = 'Incorrect email or password';

function emailTaken(): ApiError {
  return new ApiError('email_taken', 'This email already has an account', {
    email: 'An account with this email already exists. Sign in instead.'
  });
}

/** Sign-up, sign-in, sign-out, the current session and re-authentication (under /api/auth). */
export function authRoutes(s: Services) {
  const { config, clock } = s;
  const users = userStore(s.db.db, clock);
  const sessions = sessionStore(s.db.db, clock);
  const limiter = createLimiter(s);
  const dummyHash = dummyHasher(config.passwordHashing);
  const meta = (c: Parameters<typeof clientIp>[0]) => ({
    ip: clientIp(c, config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  });

  /**
   * Checks a password for the account behind `email` (counting the attempt against that
   * account) and answers the user, or null. An unknown email costs the same scrypt time as a
   * wrong password, and both count, so neither timing nor a 429 tells which emails exist.
   */
  async function checkPassword(email: string, password: string) {
    await limiter.enforce('signInAccount', email);
    const user = await users.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) return null;
    await limiter.reset('signInAccount', email);
    if (needsRehash(user.passwordHash, config.passwordHashing)) {
      await users.setPasswordHash(user.id, await hashPassword(password, config.passwordHashing));
    }
    return user;
  }

  return new Hono<AppEnv>()
    .post('/sign-up', validate('json', signUpInput), async (c) => {
      const { name, email, password } = c.req.valid('json');
      const m = meta(c);
      await limiter.enforce('signUpIp', rateLimitSubject(m.ip));
      if (isCommonPassword(password)) {
        throw new ApiError('validation_failed', 'Some fields need attention', {
          password: COMMON_PASSWORD_MESSAGE
        });
      }
      if (await users.findByEmail(email)) throw emailTaken();
      const passwordHash = await hashPassword(password, config.passwordHashing);
      const { user, session } = await s.db.db
        .transaction()
        .execute(async (trx) => {
          const user = await userStore(trx, clock).create({ email, name, passwordHash });
          return { user, session: await sessionStore(trx, clock).create(user.id, m) };
        })
        .catch((err: unknown) => {
          // Two sign-ups with one email raced past the check above: the unique index decides.
          throw err instanceof EmailTakenError ? emailTaken() : err;
        });
      s.log.info({ userId: user.id }, 'signed up');
      setSessionCookie(c, config.publicOrigin, session.token);
      return c.json(sessionInfo(user, session), 201);
    })

    .post('/sign-in', validate('json', signInInput), async (c) => {
      const { email, password } = c.req.valid('json');
      const m = meta(c);
      await limiter.enforce('signInIp', rateLimitSubject(m.ip));
      const user = await checkPassword(email, password);
      if (!user) throw new ApiError('invalid_credentials', INCORRECT);
      // A new token at every sign-in: a token planted before sign-in never becomes valid.
      const session = await sessions.create(user.id, m);
      s.log.info({ userId: user.id }, 'signed in');
      setSessionCookie(c, config.publicOrigin, session.token);
      return c.json(sessionInfo(user, session), 200);
    })

    .post('/sign-out', async (c) => {
      const token = getCookie(c, sessionCookieName(config.publicOrigin));
      if (token && token.length <= 128) await sessions.revoke(hashToken(token));
      clearSessionCookie(c, config.publicOrigin);
      return c.body(null, 204);
    })

    .get('/session', requireSession(s), (c) => {
      const sn = c.get('session');
      return c.json(sessionInfo({ ...sn, id: sn.userId }, sn), 200);
    })

    .post(
      '/reauthenticate',
      requireSession(s),
      validate('json', reauthenticateInput),
      async (c) => {
        const sn = c.get('session');
        const user = await checkPassword(sn.email, c.req.valid('json').password);
        if (!user) throw new ApiError('invalid_credentials', 'Incorrect password');
        const authenticatedAt = await sessions.markAuthenticated(sn.tokenHash);
        return c.json(sessionInfo(user, { authenticatedAt, expiresAt: sn.expiresAt }), 200);
      }
    )

    .route('/', passwordResetRoutes(s, limiter));
}
