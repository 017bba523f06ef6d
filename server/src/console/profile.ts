import { withTx } from '../db';
import { createRoute } from '@hono/zod-openapi';
import {
  accountSchema,
  EMAIL_CHANGE_INVALID,
  emailChangeConfirmInput,
  emailChangeInput,
  emailChangeResponseSchema,
  nameUpdateInput,
  passwordChangeInput,
  signedOutSchema,
  type Account
} from '@kspay/shared';
import { z } from 'zod';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { ApiError } from '../lib/errors';
import { createLimiter } from '../lib/rate-limit';
import { EmailTakenError, userStore } from '../store/users';
import { emailChangeStore } from '../store/email-changes';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireRecentAuth } from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { changePassword } from './password-change';
import { emailChangeMails } from './profile-mail';

export const EMAIL_CHANGE_MESSAGE =
  'Check the new inbox: we have sent a link to confirm the address. It expires in 24 hours. Your email stays the same until then.';

const tags = ['Merchant console: profile'];
const body = <T extends Parameters<typeof jsonContent>[0]>(schema: T) => ({
  required: true,
  ...jsonContent(schema)
});

const rename = createRoute({
  method: 'patch',
  path: '/name',
  summary: "Change the account holder's name",
  tags,
  security: sessionAuth,
  request: { body: body(nameUpdateInput) },
  responses: apiResponses(
    { 200: { description: 'The account as saved', ...jsonContent(accountSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized']
  )
});

const changeEmail = createRoute({
  method: 'post',
  path: '/email',
  summary:
    'Mail a confirmation link to a new address and a notice to the current one (the same answer whether or not the address is free)',
  tags,
  security: sessionAuth,
  request: { body: body(emailChangeInput) },
  responses: apiResponses(
    { 202: { description: 'Accepted', ...jsonContent(emailChangeResponseSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized', 'reauthentication_required', 'rate_limited']
  )
});

const confirmEmail = createRoute({
  method: 'post',
  path: '/email/confirm',
  summary: 'Confirm a change of address with the link mailed to it (single use)',
  tags,
  request: { body: body(emailChangeConfirmInput) },
  responses: apiResponses(
    {
      200: {
        description: 'The account now has this address',
        ...jsonContent(z.object({ email: z.string() }))
      }
    },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_email_change_token', 'email_taken']
  )
});

const password = createRoute({
  method: 'post',
  path: '/password',
  summary: 'Change the password (current + new); signs out every other session',
  tags,
  security: sessionAuth,
  request: { body: body(passwordChangeInput) },
  responses: apiResponses({ 200: { description: 'Changed', ...jsonContent(signedOutSchema) } }, [
    ...WRITE_ERRORS,
    ...BODY_ERRORS,
    'unauthorized',
    'invalid_credentials',
    'rate_limited'
  ])
});

/**
 * The Profile page's account routes (under /api/profile): name, change of address, password.
 * The address changes only when the link mailed to the NEW address is opened; the current one
 * is told at once. Whether the new address already has an account is never revealed: the
 * answer, and the mail to the current address, are the same either way, and the other
 * account's owner hears nothing.
 */
export function profileRoutes(s: Services) {
  const { config, clock } = s;
  const users = userStore(s.db, clock);
  const changes = emailChangeStore(s.db, clock);
  const limiter = createLimiter(s);
  const session = requireSession(s);

  const account = async (userId: string): Promise<Account> => {
    const user = await users.findById(userId);
    const timeZone = await users.timeZone(userId);
    if (!user || timeZone === null) throw new ApiError('unauthorized', 'Sign in to continue');
    return { id: user.id, email: user.email, name: user.name, timeZone };
  };
  const mailed = (userId: string, what: string) => ({
    ok: () => s.log.info({ userId }, `${what} mail sent`),
    failed: (err: unknown) => s.log.error({ userId, reason: String(err) }, `${what} mail failed`)
  });

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi({ ...rename, middleware: [session] }, async (c) => {
      const { userId } = c.get('session');
      await users.setName(userId, c.req.valid('json').name);
      s.log.info({ userId }, 'name changed');
      return c.json(await account(userId), 200);
    })

    .openapi({ ...changeEmail, middleware: [session, requireRecentAuth(s)] }, async (c) => {
      const { userId, email: current } = c.get('session');
      const { email } = c.req.valid('json');
      if (email === current) {
        throw new ApiError('validation_failed', 'Some fields need attention', {
          email: 'This is already your email address'
        });
      }
      await limiter.enforce('emailChange', userId);
      const mails = emailChangeMails(config.publicOrigin, email);
      const log = mailed(userId, 'email change');
      // Taken or not, the current address gets the same notice and the caller the same answer.
      if (!(await users.findByEmail(email))) {
        const { token } = await changes.create(userId, email);
        // Not awaited: an SMTP round trip would make "address is free" measurably slower.
        s.mailer.send({ to: email, ...mails.confirm(token) }).then(log.ok, log.failed);
      }
      s.mailer.send({ to: current, ...mails.notice }).then(log.ok, log.failed);
      return c.json({ message: EMAIL_CHANGE_MESSAGE }, 202);
    })

    .openapi(confirmEmail, async (c) => {
      const { token } = c.req.valid('json');
      const confirmed = await s.db.db
        .transaction()
        .execute(async (trx) => {
          const txChanges = emailChangeStore(withTx(s.db, trx), clock);
          const change = await txChanges.consume(token);
          if (!change) throw new ApiError('invalid_email_change_token', EMAIL_CHANGE_INVALID);
          await userStore(withTx(s.db, trx), clock).setEmail(change.userId, change.newEmail);
          await txChanges.invalidateAllForUser(change.userId);
          return change;
        })
        .catch((err: unknown) => {
          // Someone signed up with the address after the link was sent: the link stays unused.
          if (!(err instanceof EmailTakenError)) throw err;
          throw new ApiError('email_taken', 'This email already has an account', {
            email: 'Another account now uses this address.'
          });
        });
      s.log.info({ userId: confirmed.userId }, 'email changed');
      return c.json({ email: confirmed.newEmail }, 200);
    })

    .openapi({ ...password, middleware: [session] }, async (c) => {
      const signedOut = await changePassword(s, limiter, c.get('session'), c.req.valid('json'));
      return c.json({ signedOut }, 200);
    });
}
