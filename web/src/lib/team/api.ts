import {
  inviteResponseSchema,
  invitePreviewSchema,
  joinedBusinessSchema,
  teamMemberSchema,
  teamResponseSchema,
  teamActivityResponseSchema,
  type InviteAcceptInput,
  type InviteInput,
  type InvitePreview,
  type JoinedBusiness,
  type TeamInvite,
  type TeamActivityResponse,
  type TeamMember,
  type TeamResponse
} from '@kspay/shared/team';
import type { Role } from '@kspay/shared/roles';
import { api } from '../api/client';
import { send } from '../api/errors';

/**
 * The Team API (server/src/console/team.ts): members, invitations, roles and ownership of one
 * business, and the invitation link. Answers are checked against the shared contract.
 */
const business = (businessId: string) => ({ param: { businessId } });

export async function getTeam(businessId: string): Promise<TeamResponse> {
  const res = await send(api.businesses[':businessId'].members.$get(business(businessId)));
  return teamResponseSchema.parse(await res.json());
}

/** A page of the team's activity, newest first; `before` is the previous page's `nextBefore`. */
export async function listTeamActivity(
  businessId: string,
  before: string | null,
  limit: number
): Promise<TeamActivityResponse> {
  const query = before ? { limit: String(limit), before } : { limit: String(limit) };
  const res = await send(
    api.businesses[':businessId'].activity.$get({ ...business(businessId), query })
  );
  return teamActivityResponseSchema.parse(await res.json());
}

export async function invite(businessId: string, input: InviteInput): Promise<TeamInvite> {
  const res = await send(
    api.businesses[':businessId'].invites.$post({ ...business(businessId), json: input })
  );
  return inviteResponseSchema.parse(await res.json()).invite;
}

export async function revokeInvite(businessId: string, inviteId: string): Promise<void> {
  await send(
    api.businesses[':businessId'].invites[':inviteId'].$delete({
      param: { businessId, inviteId }
    })
  );
}

export async function changeRole(
  businessId: string,
  userId: string,
  role: Role
): Promise<TeamMember> {
  const res = await send(
    api.businesses[':businessId'].members[':userId'].$patch({
      param: { businessId, userId },
      json: { role }
    })
  );
  return teamMemberSchema.parse(await res.json());
}

/** "Remove", or "Leave" when `userId` is the caller. */
export async function removeMember(businessId: string, userId: string): Promise<void> {
  await send(
    api.businesses[':businessId'].members[':userId'].$delete({ param: { businessId, userId } })
  );
}

export async function transferOwnership(businessId: string, userId: string): Promise<void> {
  await send(
    api.businesses[':businessId'].transfer.$post({ ...business(businessId), json: { userId } })
  );
}

/** What an invitation link offers; no session needed (the token is the proof). */
export async function previewInvite(token: string): Promise<InvitePreview> {
  const res = await send(api.invites.preview.$post({ json: { token } }));
  return invitePreviewSchema.parse(await res.json());
}

/** Joins: signed in with `{ token }`, or as a new account with name, password and zone. */
export async function acceptInvite(input: InviteAcceptInput): Promise<JoinedBusiness> {
  const res = await send(api.invites.accept.$post({ json: input }));
  return joinedBusinessSchema.parse(await res.json());
}
