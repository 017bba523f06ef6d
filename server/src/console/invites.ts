import { createRoute } from '@hono/zod-openapi';
import {
  ALREADY_MEMBER,
  INVALID_INVITE,
  INVITE_WRONG_ADDRESS,
  inviteAcceptInput,
  invitePreviewInput,
  invitePreviewSchema,
  joinedBusinessSchema,
  ROLE_LABEL,
  type Role
} from '@kspay/shared';
import type { Context } from 'hono';
import { withTx, type Db } from '../db';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { ApiError } from '../lib/errors';
import { COMMON_PASSWORD_MESSAGE, hashPassword, isCommonPassword } from '../lib/password';
import { createLimiter } from '../lib/rate-limit';
import { sessionStore } from '../store/sessions';
import { teamStore, type OpenInvite } from '../store/team';
import { writeTeamAudit } from '../store/team-audit';
import { EmailTakenError, userStore } from '../store/users';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses } from './contract';
import { setSessionCookie } from './cookies';
import { readSession } from './middleware/session';
import { apiHook } from './validate';

/**
 * The invitation mail. The token rides in the URL fragment, as the reset link's does: browsers
 * never send a fragment, so it reaches no access log, Referer or proxy. The inviter is named by
 * their (verified) address, not by a name they chose.
 */
export function inviteMail(
  origin: string,
  invite: { token: string; businessName: string; inviterEmail: string; role: Role }
) {
  return {
    subject: `You are invited to ${invite.businessName} on KS Pay`,
    text: [
      'Hello,',
      '',
      `${invite.inviterEmail} invited you to join ${invite.businessName} on the KS Pay merchant`,
      `console as ${ROLE_LABEL[invite.role]}. Open this link to accept:`,
      '',
      `${origin}/invite#token=${invite.token}`,
      '',
      'The link works once and expires in 7 days. If you do not know the sender, ignore this',
      'email: nothing happens unless you open the link.'
    ].join('\n')
  };
}

const tags = ['Merchant console: team'];
const body = <T extends Parameters<typeof jsonContent>[0]>(schema: T) => ({
  required: true,
  ...jsonContent(schema)
});

const preview = createRoute({
  method: 'post',
  path: '/preview',
  summary: 'What an invitation link offers: business, role, address, whether it has an account',
  tags,
  request: { body: body(invitePreviewInput) },
  responses: apiResponses(
    { 200: { description: 'The invitation', ...jsonContent(invitePreviewSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_invite_token', 'rate_limited']
  )
});

const accept = createRoute({
  method: 'post',
  path: '/accept',
  summary: 'Accept an invitation: signed in, or creating the account for its address',
  description:
    "Signed in: `{ token }`; the session's address must be the invitation's (403 forbidden_role). Signed out: `{ token, name, password, timeZone? }` creates the account (verified, with its own business, as sign-up does), joins and signs in (201); an address that has an account answers 409 email_taken. Both mark the address verified: the link proves it.",
  tags,
  request: { body: body(inviteAcceptInput) },
  responses: apiResponses(
    {
      200: { description: 'Joined', ...jsonContent(joinedBusinessSchema) },
      201: {
        description: 'Account created, joined and signed in',
        ...jsonContent(joinedBusinessSchema)
      }
    },
    [
      ...WRITE_ERRORS,
      ...BODY_ERRORS,
      'invalid_invite_token',
      'forbidden_role',
      'conflict',
      'email_taken',
      'rate_limited'
    ]
  )
});

const invalid = () => new ApiError('invalid_invite_token', INVALID_INVITE);

/** The invitation link (under /api/invites): open routes, the token is the credential. */
export function inviteRoutes(s: Services) {
  const { clock, config } = s;
  const team = teamStore(s.db, clock);
  const users = userStore(s.db, clock);
  const limiter = createLimiter(s);
  const session = readSession(s);
  const meta = (c: Context) => ({
    ip: clientIp(c, config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  });

  /**
   * In one transaction: uses the link up, makes `userId` a member with the invitation's role,
   * marks the address verified and writes the activity line. `create` runs first inside it (the
   * new account), so a used link leaves no account behind.
   */
  async function join<T extends { userId: string }>(
    c: Context,
    open: OpenInvite,
    create: (db: Db) => Promise<T>
  ) {
    return s.db.db.transaction().execute(async (trx) => {
      const db = withTx(s.db, trx);
      const tx = teamStore(db, clock);
      await tx.lock(open.businessId);
      if (!(await tx.accept(open.id))) throw invalid();
      const joiner = await create(db);
      const { userId } = joiner;
      if (!(await tx.join(open.businessId, userId, open.role))) {
        throw new ApiError('conflict', ALREADY_MEMBER);
      }
      await userStore(db, clock).markVerified(userId);
      await writeTeamAudit(trx, {
        businessId: open.businessId,
        action: 'team.joined',
        actor: { userId, ...meta(c) },
        email: open.email,
        role: open.role,
        at: clock.now().toISOString()
      });
      const business = { id: open.businessId, name: open.businessName, role: open.role };
      return { ...joiner, business };
    });
  }

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi(preview, async (c) => {
      const { token } = c.req.valid('json');
      await limiter.enforce('inviteLinkIp', rateLimitSubject(meta(c).ip));
      const open = await team.open(token);
      if (!open) throw invalid();
      const hasAccount = (await users.findByEmail(open.email)) !== null;
      const { businessName, role, email, expiresAt } = open;
      return c.json({ businessName, role, email, expiresAt, hasAccount }, 200);
    })

    .openapi(accept, async (c) => {
      const input = c.req.valid('json');
      await limiter.enforce('inviteLinkIp', rateLimitSubject(meta(c).ip));
      const sn = await session(c);
      if (sn) {
        const open = await team.open(input.token);
        if (!open) throw invalid();
        if (open.email !== sn.email) throw new ApiError('forbidden_role', INVITE_WRONG_ADDRESS);
        const { business } = await join(c, open, () => Promise.resolve({ userId: sn.userId }));
        s.log.info({ userId: sn.userId, businessId: business.id }, 'invitation accepted');
        return c.json({ business }, 200);
      }

      const { name, password, timeZone } = input;
      if (name === undefined || password === undefined) {
        throw new ApiError('validation_failed', 'Some fields need attention', {
          ...(name === undefined ? { name: 'Enter your name' } : {}),
          ...(password === undefined ? { password: 'Enter a password' } : {})
        });
      }
      if (isCommonPassword(password)) {
        throw new ApiError('validation_failed', 'Some fields need attention', {
          password: COMMON_PASSWORD_MESSAGE
        });
      }
      // Checked before the scrypt hash, so a made-up token costs a lookup only.
      const open = await team.open(input.token);
      if (!open) throw invalid();
      const taken = () => new ApiError('email_taken', 'Sign in to accept');
      if (await users.findByEmail(open.email)) throw taken();
      const passwordHash = await hashPassword(password, config.passwordHashing);
      const joined = await join(c, open, async (db) => {
        // Sign-up's own path: the account and its own business, in this transaction.
        const user = await userStore(db, clock)
          .create({ email: open.email, name, passwordHash, timeZone })
          .catch((err: unknown) => {
            throw err instanceof EmailTakenError ? taken() : err;
          });
        const session = await sessionStore(db, clock).create(user.id, meta(c));
        return { userId: user.id, session };
      });
      s.log.info(
        { userId: joined.userId, businessId: joined.business.id },
        'signed up by invitation'
      );
      setSessionCookie(c, config.publicOrigin, joined.session.token);
      return c.json({ business: joined.business }, 201);
    });
}
