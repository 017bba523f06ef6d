import { createRoute } from '@hono/zod-openapi';
import {
  ALREADY_MEMBER,
  canManageRole,
  inviteInput,
  inviteResponseSchema,
  LAST_OWNER,
  ROLE_REFUSAL,
  roleUpdateInput,
  teamMemberSchema,
  teamResponseSchema,
  transferInput,
  type Role
} from '@kspay/shared';
import type { Context } from 'hono';
import { z } from 'zod';
import { withTx } from '../db';
import type { BusinessEnv, Services } from '../env';
import { jsonContent } from '../http/openapi';
import { clientIp } from '../lib/client-ip';
import { ApiError } from '../lib/errors';
import { sendInBackground } from '../lib/mailer';
import { createLimiter } from '../lib/rate-limit';
import type { Actor } from '../store/audit';
import { businessStore } from '../store/businesses';
import { teamStore, type TeamStore } from '../store/team';
import { writeTeamAudit, type TeamAuditEntry } from '../store/team-audit';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { businessScopedRoutes, notAMember } from './middleware/business-member';
import { requirePermission } from './middleware/app-owner';
import { inviteMail } from './invites';

const tags = ['Merchant console: team'];
const businessParam = z.object({
  businessId: z.string().describe('Business id, e.g. bu_rtk2WdyQR')
});
const memberParams = businessParam.extend({
  userId: z.string().describe('Member (account) id, e.g. us_4Xq0cVb2L')
});
const inviteParams = businessParam.extend({
  inviteId: z.string().describe('Invitation id, e.g. iv_4Xq0cVb2L')
});
const body = <T extends z.ZodType>(schema: T) => ({ required: true, ...jsonContent(schema) });
/** Signed out, or not a member of the business (`requireMember`). */
const MEMBER_ERRORS = ['unauthorized', 'not_a_member'] as const;
/** Team writes: also a role that does not allow it, or no such member or invitation. */
const TEAM_ERRORS = [...MEMBER_ERRORS, ...WRITE_ERRORS, 'forbidden_role', 'not_found'] as const;

const list = createRoute({
  method: 'get',
  path: '/{businessId}/members',
  summary: 'The team: members with their roles, and open invitations (never a token)',
  tags,
  security: sessionAuth,
  request: { params: businessParam },
  responses: apiResponses(
    { 200: { description: 'The team', ...jsonContent(teamResponseSchema) } },
    MEMBER_ERRORS
  )
});

const invite = createRoute({
  method: 'post',
  path: '/{businessId}/invites',
  summary: 'Invite a member by email (7-day link; replaces an open invitation to the address)',
  description:
    'Owners and Admins; only an Owner invites an Owner. 409 conflict when the address is already a member. 403 email_unverified until the inviter has verified their own address.',
  tags,
  security: sessionAuth,
  request: { params: businessParam, body: body(inviteInput) },
  responses: apiResponses(
    { 201: { description: 'Invited', ...jsonContent(inviteResponseSchema) } },
    [...TEAM_ERRORS, ...BODY_ERRORS, 'conflict', 'email_unverified', 'rate_limited']
  )
});

const revoke = createRoute({
  method: 'delete',
  path: '/{businessId}/invites/{inviteId}',
  summary: 'Revoke an open invitation: its link stops working',
  tags,
  security: sessionAuth,
  request: { params: inviteParams },
  responses: apiResponses({ 204: { description: 'Revoked' } }, TEAM_ERRORS)
});

const changeRole = createRoute({
  method: 'patch',
  path: '/{businessId}/members/{userId}',
  summary: "Change a member's role (only an Owner changes an Owner's, or makes one)",
  tags,
  security: sessionAuth,
  request: { params: memberParams, body: body(roleUpdateInput) },
  responses: apiResponses(
    { 200: { description: 'The member', ...jsonContent(teamMemberSchema) } },
    [...TEAM_ERRORS, ...BODY_ERRORS, 'last_owner']
  )
});

const remove = createRoute({
  method: 'delete',
  path: '/{businessId}/members/{userId}',
  summary: 'Remove a member, or leave (your own id)',
  tags,
  security: sessionAuth,
  request: { params: memberParams },
  responses: apiResponses({ 204: { description: 'Removed' } }, [...TEAM_ERRORS, 'last_owner'])
});

const transfer = createRoute({
  method: 'post',
  path: '/{businessId}/transfer',
  summary: 'Transfer ownership: the member becomes Owner, you become Admin (Owners only)',
  tags,
  security: sessionAuth,
  request: { params: businessParam, body: body(transferInput) },
  responses: apiResponses(
    { 200: { description: 'The team after the transfer', ...jsonContent(teamResponseSchema) } },
    [...TEAM_ERRORS, ...BODY_ERRORS, 'conflict']
  )
});

const NO_MEMBER = 'There is no such member';

/** What a locked team write sees: the stores in its transaction and the caller's role. */
interface Locked {
  team: TeamStore;
  businesses: ReturnType<typeof businessStore>;
  /** The caller's role, read under the lock. */
  role: Role;
  /** Writes the action's activity line in the same transaction. */
  audit(entry: Omit<TeamAuditEntry, 'businessId' | 'actor' | 'at'>): Promise<void>;
}
const refuse = (message = ROLE_REFUSAL) => new ApiError('forbidden_role', message);

/**
 * The Team page, mounted at `/api/businesses`. Every write that could leave a business without
 * an Owner runs in one transaction that locks the business first and then re-reads the roles it
 * decides on (the caller's included), so concurrent changes apply one after the other.
 */
export function teamRoutes(s: Services) {
  const { clock, config } = s;
  const team = teamStore(s.db, clock);
  const limiter = createLimiter(s);
  const manage = requirePermission('team.manage');

  const actorOf = (c: Context<BusinessEnv>): Actor => ({
    userId: c.get('session').userId,
    ip: clientIp(c, config.trustProxy),
    userAgent: c.req.header('user-agent') ?? null
  });

  /** Runs `fn` with the business locked; `role` is the caller's, read under the lock. */
  function locked<T>(c: Context<BusinessEnv>, fn: (tx: Locked) => Promise<T>): Promise<T> {
    const businessId = c.get('member').businessId;
    return s.db.db.transaction().execute(async (trx) => {
      const db = withTx(s.db, trx);
      const team = teamStore(db, clock);
      const businesses = businessStore(db, clock);
      await team.lock(businessId);
      const role = await businesses.roleOf(businessId, c.get('session').userId);
      // Removed meanwhile: as for any business the caller does not belong to.
      if (!role) throw notAMember();
      const at = clock.now().toISOString();
      const audit = (entry: Omit<TeamAuditEntry, 'businessId' | 'actor' | 'at'>) =>
        writeTeamAudit(trx, { ...entry, businessId, actor: actorOf(c), at });
      return fn({ team, businesses, role, audit });
    });
  }

  return businessScopedRoutes(s, 'members', 'members/*', 'invites', 'invites/*', 'transfer')
    .openapi(list, async (c) => {
      const { businessId } = c.get('member');
      const [members, invites] = [await team.members(businessId), await team.invites(businessId)];
      return c.json({ members, invites }, 200);
    })

    .openapi({ ...invite, middleware: [manage] }, async (c) => {
      const { email, role } = c.req.valid('json');
      const sn = c.get('session');
      const businessId = c.get('member').businessId;
      if (!canManageRole(c.get('member').role, role)) {
        throw refuse('Only an Owner can invite an Owner');
      }
      if (!sn.emailVerifiedAt) {
        throw new ApiError('email_unverified', 'Verify your email to invite members');
      }
      await limiter.enforce('inviteBusiness', businessId);
      const { created, businessName } = await locked(c, async (tx) => {
        if (!canManageRole(tx.role, role)) throw refuse();
        if (await tx.team.isMemberByEmail(businessId, email)) {
          throw new ApiError('conflict', ALREADY_MEMBER);
        }
        const created = await tx.team.invite({ businessId, email, role, invitedBy: sn.userId });
        await tx.audit({ action: 'team.invited', email, role });
        return { created, businessName: (await tx.businesses.name(businessId)) ?? '' };
      });
      const mail = inviteMail(config.publicOrigin, {
        token: created.token,
        businessName,
        inviterEmail: sn.email,
        role
      });
      sendInBackground(s, { to: email, ...mail }, 'invitation', { inviteId: created.id });
      s.log.info({ businessId, inviteId: created.id }, 'member invited');
      const invitedBy = { name: sn.name, email: sn.email };
      const { id, createdAt, expiresAt } = created;
      return c.json({ invite: { id, email, role, invitedBy, createdAt, expiresAt } }, 201);
    })

    .openapi({ ...revoke, middleware: [manage] }, async (c) => {
      const businessId = c.get('member').businessId;
      await locked(c, async (tx) => {
        const open = await tx.team.openInvite(businessId, c.req.param('inviteId'));
        if (!open) throw new ApiError('not_found', 'There is no such invitation');
        if (!canManageRole(tx.role, open.role)) throw refuse();
        await tx.team.revoke(open.id);
        await tx.audit({ action: 'team.invite_revoked', email: open.email, role: open.role });
      });
      return c.body(null, 204);
    })

    .openapi({ ...changeRole, middleware: [manage] }, async (c) => {
      const { role } = c.req.valid('json');
      const businessId = c.get('member').businessId;
      const userId = c.req.param('userId');
      const member = await locked(c, async (tx) => {
        const target = await tx.team.member(businessId, userId);
        if (!target) throw new ApiError('not_found', NO_MEMBER);
        if (!canManageRole(tx.role, target.role) || !canManageRole(tx.role, role)) {
          throw refuse();
        }
        if (target.role === role) return target;
        if (target.role === 'owner' && (await tx.team.ownerCount(businessId)) <= 1) {
          throw new ApiError('last_owner', LAST_OWNER);
        }
        await tx.team.setRole(businessId, userId, role);
        const { email, role: from } = target;
        await tx.audit({ action: 'team.role_changed', email, role, from });
        return { ...target, role };
      });
      return c.json(member, 200);
    })

    .openapi(remove, async (c) => {
      const businessId = c.get('member').businessId;
      const userId = c.req.param('userId');
      const self = userId === c.get('session').userId;
      await locked(c, async (tx) => {
        const target = await tx.team.member(businessId, userId);
        if (!target) throw new ApiError('not_found', NO_MEMBER);
        // Anyone may leave; removing someone else is team.manage, and only Owners remove Owners.
        if (!self && !canManageRole(tx.role, target.role)) throw refuse();
        if (target.role === 'owner' && (await tx.team.ownerCount(businessId)) <= 1) {
          throw new ApiError('last_owner', LAST_OWNER);
        }
        await tx.team.remove(businessId, userId);
        const action = self ? 'team.left' : 'team.removed';
        await tx.audit({ action, email: target.email, role: target.role });
      });
      return c.body(null, 204);
    })

    .openapi(transfer, async (c) => {
      const { userId } = c.req.valid('json');
      const businessId = c.get('member').businessId;
      const me = c.get('session').userId;
      await locked(c, async (tx) => {
        if (tx.role !== 'owner') throw refuse('Only an Owner can transfer ownership');
        if (userId === me) throw new ApiError('conflict', 'You are already an Owner');
        const target = await tx.team.member(businessId, userId);
        if (!target) throw new ApiError('not_found', NO_MEMBER);
        await tx.team.setRole(businessId, userId, 'owner');
        await tx.team.setRole(businessId, me, 'admin');
        const { email, role: from } = target;
        await tx.audit({ action: 'team.ownership_transferred', email, role: 'owner', from });
      });
      const [members, invites] = [await team.members(businessId), await team.invites(businessId)];
      return c.json({ members, invites }, 200);
    });
}
