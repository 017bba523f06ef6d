import { ROLE_LABEL } from '@kspay/shared/roles';
import type { TeamActivityEntry } from '@kspay/shared/team';

/** One line of the team's activity in words: who, what to whom, and the role(s). */
export interface ActivityText {
  /** The member who acted: their name, else their address. */
  who: string;
  /** What they did, e.g. "changed the role of ravi@example.com". */
  what: string;
  /** "Developer → Admin", or the one role the action was about; null when unknown. */
  roles: string | null;
}

export function describeTeamActivity(e: TeamActivityEntry): ActivityText {
  const who = e.actorName ?? e.actorEmail ?? 'A former member';
  const to = e.role ? ROLE_LABEL[e.role] : null;
  const roles = e.from && to ? `${ROLE_LABEL[e.from]} → ${to}` : to;
  return { who, what: WHAT[e.action](e.target), roles };
}

const WHAT: Record<TeamActivityEntry['action'], (target: string) => string> = {
  'team.invited': (t) => `invited ${t}`,
  'team.invite_revoked': (t) => `revoked the invitation to ${t}`,
  'team.joined': () => 'joined the team',
  'team.role_changed': (t) => `changed the role of ${t}`,
  'team.removed': (t) => `removed ${t}`,
  'team.left': () => 'left the team',
  'team.ownership_transferred': (t) => `transferred ownership to ${t}`
};
