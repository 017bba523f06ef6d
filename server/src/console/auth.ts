import { createRoute } from '@hono/zod-openapi';
import {
  reauthenticateInput,
  secondFactorRequiredSchema,
  sessionInfoSchema,
  signInInput,
  signUpInput,
  signUpResponseSchema
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
import { sendInBackground } from '../lib/mailer';
import { createLimiter, reauthAccount, signInAccount } from '../lib/rate-limit';
import { hashToken } from '../lib/tokens';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession, sessionCookieName } from './middleware/session';
import { withTx } from '../db';
import { sessionStore } from '../store/sessions';
import { emailVerificationStore } from '../store/email-verifications';
import { EmailTakenError, userStore } from '../store/users';
import { passwordResetRoutes } from './password-reset';
import { signUpAttemptMail, verificationMail, verificationRoutes } from './verification';
import { secondFactorRoutes } from './second-factor';
import { reauthenticateWithFactor, secondFactorStep } from './sign-in-factors';

const INCORRECT = 'Incorrect email or password';
const CHECK_EMAIL =
  'Check your email: we sent a link to verify your address. It expires in 24 hours.';

const tags = ['Merchant console: account'];
const body = <T extends Parameters<typeof jsonContent>[0]>(schema: T) => ({
  required: true,
  ...jsonContent(schema)
});

const signUp = createRoute({
  method: 'post',
  path: '/sign-up',
  summary: 'Create an account and mail its verification link',
  description:
    'Answers the same (202, "check your email") whether or not the email already has an account; the existing owner is told by email instead. Signs nobody in: the link does.',
  tags,
  request: { body: body(signUpInput) },
  responses: apiResponses(
    { 202: { description: 'Check your email', ...jsonContent(signUpResponseSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'rate_limited']
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
  const users = userStore(s.db, clock);
  const sessions = sessionStore(s.db, clock);
  const limiter = createLimiter(s);
  const dummyHash = dummyHasher(config.passwordHashing);
  const secondFactor = secondFactorStep(s);
  const reauthFactor = reauthenticateWithFactor(s);
  const meta = (c: Parameters<typeof clientIp>[0]) => ({
    ip: clientIp(c, config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  });

  /**
   * Checks a password for the account behind `email` and answers the user, or null. Failures
   * count against (`account`, `source`) only, with a growing delay: a stranger's guesses slow
   * the stranger, never the owner elsewhere. An unknown email costs the same scrypt time as a
   * wrong password and counts the same, so neither timing nor a 429 tells which emails exist.
   */
  async function checkPassword(email: string, password: string, account: string, source: string) {
    await limiter.attempts.check(account, source);
    const user = await users.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) {
      await limiter.attempts.fail(account, source);
      return null;
    }
    await limiter.attempts.clear(account, source);
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
      // A new email and a taken one do the same work (an scrypt hash, one insert attempt, one
      // mail queued off the request path) and get the same answer, so neither the answer nor
      // its timing says whether the address has an account. Nobody is signed in here: a
      // session for a new email but not a taken one would say exactly that.
      const passwordHash = await hashPassword(password, config.passwordHashing);
      const created = await s.db.db
        .transaction()
        .execute(async (trx) => {
          const tx = withTx(s.db, trx);
          const user = await userStore(tx, clock).create({ email, name, passwordHash, timeZone });
          const link = await emailVerificationStore(tx, clock).create(user.id);
          return { user, token: link.token };
        })
        .catch((err: unknown) => {
          // The unique index decides, also between two sign-ups racing with one email.
          if (err instanceof EmailTakenError) return null;
          throw err;
        });
      if (created) {
        s.log.info({ userId: created.user.id }, 'signed up');
        const mail = verificationMail(config.publicOrigin, created.token);
        sendInBackground(s, { to: email, ...mail }, 'verification', { userId: created.user.id });
      } else {
        s.log.info('sign-up with an email that has an account');
        sendInBackground(
          s,
          { to: email, ...signUpAttemptMail(config.publicOrigin) },
          'sign-up attempt',
          {}
        );
      }
      return c.json({ email, message: CHECK_EMAIL }, 202);
    })

    .openapi(signIn, async (c) => {
      const { email, password } = c.req.valid('json');
      const m = meta(c);
      const source = rateLimitSubject(m.ip);
      await limiter.enforce('signInIp', source);
      const user = await checkPassword(email, password, signInAccount(email), source);
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
      // The session's own counter: no anonymous sign-in failure can delay it.
      const account = reauthAccount(sn.tokenHash);
      const user = await checkPassword(sn.email, input.password, account, '');
      if (!user) throw new ApiError('invalid_credentials', 'Incorrect password');
      const authenticatedAt = await sessions.markAuthenticated(sn.tokenHash);
      return c.json(sessionInfo(user, { authenticatedAt, expiresAt: sn.expiresAt }), 200);
    })

    .route('/', passwordResetRoutes(s, limiter))
    .route('/', verificationRoutes(s, limiter))
    .route('/', secondFactorRoutes(s));
}
