import { createRoute } from '@hono/zod-openapi';
import {
  forgotPasswordInput,
  forgotPasswordResponseSchema,
  resetPasswordInput,
  sessionInfoSchema
} from '@kspay/shared';
import { jsonContent, RouteApp } from '../http/openapi';
import type { AppEnv, Services } from '../env';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { sessionInfo, setSessionCookie } from './cookies';
import { ApiError } from '../lib/errors';
import { COMMON_PASSWORD_MESSAGE, hashPassword, isCommonPassword } from '../lib/password';
import { signInAccount, type Limiter } from '../lib/rate-limit';
import { sendInBackground } from '../lib/mailer';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses } from './contract';
import { passwordResetStore } from '../store/password-resets';
import { withTx } from '../db';
import { sessionStore } from '../store/sessions';
import { userStore } from '../store/users';

export const FORGOT_PASSWORD_MESSAGE =
  'If an account exists for that email, we have sent a link to reset your password. It expires in 1 hour.';
const INVALID_TOKEN = 'This reset link has expired or was already used. Ask for a new one.';

/**
 * The link carries the token in the URL FRAGMENT: browsers never send a fragment to a server,
 * so the token reaches no access log, Referer header or proxy; the page reads it from
 * `location.hash` and posts it in a JSON body.
 *
 * The greeting is neutral: nobody has verified that the account's address belongs to whoever
 * chose the account's name, so a name ("Urgent: call …") must not reach that inbox from us.
 */
function resetMail(origin: string, token: string) {
  const link = `${origin}/reset-password#token=${token}`;
  return {
    subject: 'Reset your KS Pay password',
    text: [
      'Hello,',
      '',
      'Someone (we hope you) asked to reset the password of your KS Pay merchant account.',
      'Open this link to choose a new password:',
      '',
      link,
      '',
      'The link works once and expires in 1 hour. Using it signs you out everywhere else.',
      'If you did not ask for this, ignore this email: your password stays the same.'
    ].join('\n')
  };
}

/** Forgot password and reset password (under /api/auth). */
const tags = ['Merchant console: account'];

const forgot = createRoute({
  method: 'post',
  path: '/forgot-password',
  summary: 'Mail a password reset link (the same answer whether or not the account exists)',
  tags,
  request: { body: { required: true, ...jsonContent(forgotPasswordInput) } },
  responses: apiResponses(
    { 202: { description: 'Accepted', ...jsonContent(forgotPasswordResponseSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'rate_limited']
  )
});

const reset = createRoute({
  method: 'post',
  path: '/reset-password',
  summary: 'Choose a new password with a reset link; signs out everywhere else',
  tags,
  request: { body: { required: true, ...jsonContent(resetPasswordInput) } },
  responses: apiResponses(
    { 200: { description: 'Signed in', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_reset_token']
  )
});

export function passwordResetRoutes(s: Services, limiter: Limiter) {
  const { config, clock } = s;
  const users = userStore(s.db, clock);
  const resets = passwordResetStore(s.db, clock);

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi(forgot, async (c) => {
      const { email } = c.req.valid('json');
      await limiter.enforce('forgotPasswordIp', rateLimitSubject(clientIp(c, config.trustProxy)));
      await limiter.enforce('forgotPasswordEmail', email);
      const user = await users.findByEmail(email);
      if (user) {
        const { token } = await resets.create(user.id);
        // Not awaited: an SMTP round trip would make "account exists" measurably slower.
        sendInBackground(
          s,
          { to: user.email, ...resetMail(config.publicOrigin, token) },
          'password reset',
          { userId: user.id }
        );
      }
      // The same answer whether or not the email has an account.
      return c.json({ message: FORGOT_PASSWORD_MESSAGE }, 202);
    })

    .openapi(reset, async (c) => {
      const { token, password } = c.req.valid('json');
      // Checked before the token is used up, so a refused password does not burn the link.
      if (isCommonPassword(password)) {
        throw new ApiError('validation_failed', 'Some fields need attention', {
          password: COMMON_PASSWORD_MESSAGE
        });
      }
      // Peek first so a made-up token costs a lookup, not an scrypt hash.
      if (!(await resets.peek(token))) throw new ApiError('invalid_reset_token', INVALID_TOKEN);
      const passwordHash = await hashPassword(password, config.passwordHashing);
      const meta = {
        ip: clientIp(c, config.trustProxy),
        userAgent: c.req.header('user-agent') ?? null
      };
      const { user, session } = await s.db.db.transaction().execute(async (trx) => {
        const tx = withTx(s.db, trx);
        const txResets = passwordResetStore(tx, clock);
        const txUsers = userStore(tx, clock);
        const txSessions = sessionStore(tx, clock);
        // The conditional update inside consume() is what makes the link single-use.
        const userId = await txResets.consume(token);
        // The link proves the mailbox, as a verification link would.
        if (userId) await txUsers.markVerified(userId);
        const user = userId ? await txUsers.findById(userId) : null;
        if (!user) throw new ApiError('invalid_reset_token', INVALID_TOKEN);
        await txUsers.setPasswordHash(user.id, passwordHash);
        await txResets.invalidateAllForUser(user.id);
        // Whoever knew the old password is signed out everywhere; only this browser stays in.
        await txSessions.revokeAllForUser(user.id);
        return { user, session: await txSessions.create(user.id, meta) };
      });
      // Proving control of the mailbox forgets every source's failed guesses at this account.
      await limiter.attempts.clear(signInAccount(user.email));
      s.log.info({ userId: user.id }, 'password reset');
      setSessionCookie(c, config.publicOrigin, session.token);
      return c.json(sessionInfo(user, session), 200);
    });
}
