import { z } from 'zod';
import { auditActions } from './app-settings';
import { accountNameSchema, emailSchema, passwordSchema } from './auth';
import { userIdSchema } from './ids';
import { roleSchema } from './roles';
import { timeZoneSchema } from './time-zone';

/**
 * The Team page's contract (issue 16): members, invitations, roles and ownership of one
 * business, under `/api/businesses/:businessId/…`, and the invitation link under `/api/invites`.
 */

/** An invitation link works for 7 days, once. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const INVALID_INVITE =
  'This invitation has expired, was revoked or was already used. Ask for a new one.';
export const INVITE_WRONG_ADDRESS = 'This invitation was sent to another email address';
export const ALREADY_MEMBER = 'Already a member';
export const LAST_OWNER =
  'A business keeps at least one Owner: make someone else Owner first (Transfer ownership)';

export const teamMemberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  /** The member's last request to this business's console; null before the first. */
  lastActiveAt: z.string().nullable(),
  joinedAt: z.string()
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

/** A pending invitation (never its token: that exists only in the mail). */
export const teamInviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.object({ name: z.string(), email: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string()
});
export type TeamInvite = z.infer<typeof teamInviteSchema>;

/** `GET /api/businesses/:businessId/members`. */
export const teamResponseSchema = z.object({
  members: z.array(teamMemberSchema),
  invites: z.array(teamInviteSchema)
});
export type TeamResponse = z.infer<typeof teamResponseSchema>;

/** `POST /api/businesses/:businessId/invites`: "Email" and "Role". */
export const inviteInput = z.strictObject({ email: emailSchema, role: roleSchema });
export type InviteInput = z.infer<typeof inviteInput>;
export const inviteResponseSchema = z.object({ invite: teamInviteSchema });

/** Invitation tokens are 32 random bytes in base64url (43 characters), like reset tokens. */
export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, INVALID_INVITE);

/** `POST /api/invites/preview`: what the link offers, before anyone signs in. */
export const invitePreviewInput = z.strictObject({ token: inviteTokenSchema });
export const invitePreviewSchema = z.object({
  businessName: z.string(),
  role: roleSchema,
  email: z.string(),
  expiresAt: z.string(),
  /** Whether the address has an account: the page offers "Sign in" or "Create account". */
  hasAccount: z.boolean()
});
export type InvitePreview = z.infer<typeof invitePreviewSchema>;

/**
 * `POST /api/invites/accept`. Signed in: `{ token }` alone. Signed out: the new account's
 * `name` and `password` too (its address is the invitation's), as at sign-up.
 */
export const inviteAcceptInput = z.strictObject({
  token: inviteTokenSchema,
  name: accountNameSchema.optional(),
  password: passwordSchema.optional(),
  timeZone: timeZoneSchema.optional()
});
export type InviteAcceptInput = z.infer<typeof inviteAcceptInput>;

/** The business just joined, and the role in it. */
export const joinedBusinessSchema = z.object({
  business: z.object({ id: z.string(), name: z.string(), role: roleSchema })
});
export type JoinedBusiness = z.infer<typeof joinedBusinessSchema>;

/** `PATCH /api/businesses/:businessId/members/:userId` ("Change role"). */
export const roleUpdateInput = z.strictObject({ role: roleSchema });
export type RoleUpdateInput = z.infer<typeof roleUpdateInput>;

/**
 * `POST /api/businesses/:businessId/transfer` ("Transfer ownership"): the new Owner. Answers
 * the team as `GET …/members` does, both roles changed.
 */
export const transferInput = z.strictObject({ userId: userIdSchema });
export type TransferInput = z.infer<typeof transferInput>;

/** The team's own actions in the audit log (no app): the Team page's "Activity". */
export const TEAM_ACTIONS = auditActions.filter(
  (a): a is Extract<(typeof auditActions)[number], `team.${string}`> => a.startsWith('team.')
);
export type TeamAction = (typeof TEAM_ACTIONS)[number];

/**
 * One team action: who acted, on which address, the role (and the role before, for a change
 * of role or a transfer). `role` is null only for a line this version cannot read.
 */
export const teamActivityEntrySchema = z.object({
  id: z.string(),
  action: z.enum(TEAM_ACTIONS as [TeamAction, ...TeamAction[]]),
  /** The member who acted (null once their account is gone). */
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  /** The member's, or the invited, address. */
  target: z.string(),
  role: roleSchema.nullable(),
  from: roleSchema.nullable(),
  at: z.string()
});
export type TeamActivityEntry = z.infer<typeof teamActivityEntrySchema>;

/**
 * `GET /api/businesses/:businessId/activity?limit=&before=` (the query of the app activity
 * log, same cursor): newest first; `asOf` is the server's time of the answer.
 */
export const teamActivityResponseSchema = z.object({
  entries: z.array(teamActivityEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.string().nullable(),
  asOf: z.string()
});
export type TeamActivityResponse = z.infer<typeof teamActivityResponseSchema>;
