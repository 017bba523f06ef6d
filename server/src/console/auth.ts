import { createRoute } from '@hono/zod-openapi';
import {
  reauthenticateInput,
  secondFactorRequiredSchema,
  sessionInfoSchema,
  signInInput,
  signUpInput
} from '@kspay/shared';
import { jsonContent, RouteApp } from '../http/openapi';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Services } from '../env';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { clearSessionCookie, sessionInfo, setSessionCookie } from './cookies';
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
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession, sessionCookieName } from './middleware/session';
import { sessionStore } from '../store/sessions';
import { EmailTakenError, userStore } from '../store/users';
import { passwordResetRoutes } from './password-reset';
import { secondFactorRoutes } from './second-factor';
import { reauthenticateWithFactor, secondFactorStep } from './sign-in-factors';

const INCORRECT = 'Incorrect email or password';

function emailTaken(): ApiError {
  return new ApiError('email_taken', 'This email already has an account', {
    email: 'An account with this email already exists. Sign in instead.'
  });
}

const tags = ['Merchant console: account'];
const body = <T extends Parameters<typeof jsonContent>[0]>(schema: T) => ({
  required: true,
  ...jsonContent(schema)
});

const signUp = createRoute({
  method: 'post',
  path: '/sign-up',
  summary: 'Create an account and sign in (session cookie)',
  tags,
  request: { body: body(signUpInput) },
  responses: apiResponses(
    { 201: { description: 'Signed in', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'email_taken', 'rate_limited']
  )
});

const signIn = createRoute({
  method: 'post',
  path: '/sign-in',
  summary: 'Sign in (session cookie)',
  tags,
  request: { body: body(signInInput) },
  responses: apiResponses(
    {
      200: { description: 'Signed in', ...jsonContent(sessionInfoSchema) },
      202: {
        description: 'Password right; a second factor is needed (POST /api/auth/second-factor)',
        ...jsonContent(secondFactorRequiredSchema)
      }
    },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_credentials', 'rate_limited']
  )
});

const signOut = createRoute({
  method: 'post',
  path: '/sign-out',
  summary: 'Sign out: revoke the session and clear its cookie',
  tags,
  responses: apiResponses({ 204: { description: 'Signed out' } }, WRITE_ERRORS)
});

const currentSession = createRoute({
  method: 'get',
  path: '/session',
  summary: 'The signed-in merchant and the session',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'The session', ...jsonContent(sessionInfoSchema) } },
    ['unauthorized']
  )
});

const reauthenticate = createRoute({
  method: 'post',
  path: '/reauthenticate',
  summary: 'Prove it is you again: password, a code or a passkey (key actions need it fresh)',
  tags,
  security: sessionAuth,
  request: { body: body(reauthenticateInput) },
  responses: apiResponses(
    { 200: { description: 'Re-authenticated', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized', 'invalid_credentials', 'rate_limited']
  )
});

/** Sign-up, sign-in, sign-out, the current session and re-authentication (under /api/auth). */
export function authRoutes(s: Services) {
  const { config, clock } = s;
  const users = userStore(s.db.db, clock);
  const sessions = sessionStore(s.db.db, clock);
  const limiter = createLimiter(s);
  const dummyHash = dummyHasher(config.passwordHashing);
  const secondFactor = secondFactorStep(s);
  const reauthFactor = reauthenticateWithFactor(s);
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

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi(signUp, async (c) => {
      const { name, email, password, timeZone } = c.req.valid('json');
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
          const user = await userStore(trx, clock).create({ email, name, passwordHash, timeZone });
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

    .openapi(signIn, async (c) => {
      const { email, password } = c.req.valid('json');
      const m = meta(c);
      await limiter.enforce('signInIp', rateLimitSubject(m.ip));
      const user = await checkPassword(email, password);
      if (!user) throw new ApiError('invalid_credentials', INCORRECT);
      const methods = await secondFactor(c, user.id);
      if (methods) return c.json({ secondFactor: { methods } }, 202);
      // A new token at every sign-in: a token planted before sign-in never becomes valid.
      const session = await sessions.create(user.id, m);
      s.log.info({ userId: user.id }, 'signed in');
      setSessionCookie(c, config.publicOrigin, session.token);
      return c.json(sessionInfo(user, session), 200);
    })

    .openapi(signOut, async (c) => {
      const token = getCookie(c, sessionCookieName(config.publicOrigin));
      if (token && token.length <= 128) await sessions.revoke(hashToken(token));
      clearSessionCookie(c, config.publicOrigin);
      return c.body(null, 204);
    })

    .openapi({ ...currentSession, middleware: [requireSession(s)] }, (c) => {
      const sn = c.get('session');
      return c.json(sessionInfo({ ...sn, id: sn.userId }, sn), 200);
    })

    .openapi({ ...reauthenticate, middleware: [requireSession(s)] }, async (c) => {
      const sn = c.get('session');
      const input = c.req.valid('json');
      if (!('password' in input)) {
        await reauthFactor(sn, input);
        const authenticatedAt = await sessions.markAuthenticated(sn.tokenHash);
        return c.json(
          sessionInfo({ ...sn, id: sn.userId }, { authenticatedAt, expiresAt: sn.expiresAt }),
          200
        );
      }
      const user = await checkPassword(sn.email, input.password);
      if (!user) throw new ApiError('invalid_credentials', 'Incorrect password');
      const authenticatedAt = await sessions.markAuthenticated(sn.tokenHash);
      return c.json(sessionInfo(user, { authenticatedAt, expiresAt: sn.expiresAt }), 200);
    })

    .route('/', passwordResetRoutes(s, limiter))
    .route('/', secondFactorRoutes(s));
}
