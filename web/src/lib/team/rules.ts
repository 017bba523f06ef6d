import { canManageRole, ROLES, type Role } from '@kspay/shared/roles';
import type { TeamMember } from '@kspay/shared/team';

/**
 * What the Team page offers for each member, from the viewer's role (shared/src/roles.ts). The
 * server decides every action again; these only keep buttons that would be refused off screen.
 */
export interface MemberActions {
  /** Roles "Change role" may set (empty: no "Change role"). */
  roles: Role[];
  remove: boolean;
  /** "Transfer ownership" to this member (an Owner, to someone not yet Owner). */
  transfer: boolean;
  /** "Leave": shown on the viewer's own row. */
  leave: boolean;
  /** Why "Leave" is off, in plain words (the last Owner); null when it is allowed. */
  leaveBlocked: string | null;
}

export const LAST_OWNER_LEAVE =
  'You are the only Owner. Transfer ownership to another member before you leave.';

/** The roles `actor` may invite as, or change a member to. */
export function assignableRoles(actor: Role | null): Role[] {
  return ROLES.filter((r) => canManageRole(actor, r));
}

export function memberActions(
  actor: Role | null,
  actorId: string,
  member: TeamMember,
  members: readonly TeamMember[]
): MemberActions {
  const self = member.userId === actorId;
  const manages = !self && canManageRole(actor, member.role);
  const owners = members.filter((m) => m.role === 'owner').length;
  return {
    roles: manages ? assignableRoles(actor) : [],
    remove: manages,
    transfer: !self && actor === 'owner' && member.role !== 'owner',
    leave: self,
    leaveBlocked: self && member.role === 'owner' && owners <= 1 ? LAST_OWNER_LEAVE : null
  };
}

/** Owners first, then by name: the order the members table shows. */
export function memberOrder(members: readonly TeamMember[]): TeamMember[] {
  return [...members].sort(
    (a, b) =>
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role) ||
      a.name.localeCompare(b.name) ||
      a.email.localeCompare(b.email)
  );
}
