import { withTx } from '../db';
import { createRoute } from '@hono/zod-openapi';
import { forgotPasswordResponseSchema, sessionInfoSchema, verifyEmailInput } from '@kspay/shared';
import { jsonContent, RouteApp } from '../http/openapi';
import type { AppEnv, Services } from '../env';
import { clientIp } from '../lib/client-ip';
import { ApiError } from '../lib/errors';
import { sendInBackground } from '../lib/mailer';
import type { Limiter } from '../lib/rate-limit';
import { emailVerificationStore } from '../store/email-verifications';
import { sessionStore } from '../store/sessions';
import { userStore } from '../store/users';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { sessionInfo, setSessionCookie } from './cookies';
import { requireSession } from './middleware/session';
import { apiHook } from './validate';

const INVALID =
  'This verification link has expired or was already used. Sign in to ask for a new one.';

/**
 * "Verify your email". The token rides in the URL fragment, as the reset link's does: browsers
 * never send a fragment, so it reaches no access log, Referer or proxy.
 */
export function verificationMail(origin: string, token: string) {
  return {
    subject: 'Verify your email',
    text: [
      'Hello,',
      '',
      'Open this link to verify the email address of your new KS Pay merchant account:',
      '',
      `${origin}/verify-email#token=${token}`,
      '',
      'The link works once and expires in 24 hours. Until then you can register apps, but not',
      'generate API keys.',
      'If you did not create this account, ignore this email.'
    ].join('\n')
  };
}

/** Sign-up with an address that already has an account: its owner hears of it, nobody else. */
export function signUpAttemptMail(origin: string) {
  return {
    subject: 'Someone tried to create an account with your email',
    text: [
      'Hello,',
      '',
      'Someone (we hope you) tried to create a new KS Pay merchant account with this email',
      'address, which already has an account. Nothing was changed.',
      '',
      `If it was you, sign in instead: ${origin}/sign-in`,
      `Forgot your password? Choose a new one: ${origin}/forgot-password`,
      '',
      'If it was not you, you can ignore this email.'
    ].join('\n')
  };
}

const tags = ['Merchant console: account'];

const verify = createRoute({
  method: 'post',
  path: '/verify-email',
  summary: 'Verify the email address with its link; signs in',
  tags,
  request: { body: { required: true, ...jsonContent(verifyEmailInput) } },
  responses: apiResponses(
    { 200: { description: 'Verified and signed in', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_verification_token']
  )
});

const resend = createRoute({
  method: 'post',
  path: '/verify-email/resend',
  summary: 'Mail a new verification link to the signed-in account (3 per hour)',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 202: { description: 'Sent', ...jsonContent(forgotPasswordResponseSchema) } },
    [...WRITE_ERRORS, 'unauthorized', 'conflict', 'rate_limited']
  )
});

/** Email verification (under /api/auth). */
export function verificationRoutes(s: Services, limiter: Limiter) {
  const { config, clock } = s;

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi(verify, async (c) => {
      const { token } = c.req.valid('json');
      const meta = {
        ip: clientIp(c, config.trustProxy),
        userAgent: c.req.header('user-agent') ?? null
      };
      const { user, session } = await s.db.db.transaction().execute(async (trx) => {
        const tx = withTx(s.db, trx);
        const users = userStore(tx, clock);
        // The conditional update inside consume() is what makes the link single-use.
        const userId = await emailVerificationStore(tx, clock).consume(token);
        if (!userId) throw new ApiError('invalid_verification_token', INVALID);
        await users.markVerified(userId);
        const user = await users.findById(userId);
        if (!user) throw new ApiError('invalid_verification_token', INVALID);
        return { user, session: await sessionStore(tx, clock).create(user.id, meta) };
      });
      s.log.info({ userId: user.id }, 'email verified');
      setSessionCookie(c, config.publicOrigin, session.token);
      return c.json(sessionInfo(user, session), 200);
    })

    .openapi({ ...resend, middleware: [requireSession(s)] }, async (c) => {
      const sn = c.get('session');
      if (sn.emailVerifiedAt)
        throw new ApiError('conflict', 'Your email address is already verified');
      await limiter.enforce('verificationResend', sn.userId);
      const { token } = await emailVerificationStore(s.db, clock).create(sn.userId);
      sendInBackground(
        s,
        { to: sn.email, ...verificationMail(config.publicOrigin, token) },
        'verification',
        { userId: sn.userId }
      );
      return c.json({ message: `We sent a new link to ${sn.email}. It expires in 24 hours.` }, 202);
    });
}
