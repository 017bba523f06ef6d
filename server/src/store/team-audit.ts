import {
  ROLE_LABEL,
  ROLES,
  TEAM_ACTIONS,
  type AuditEntry,
  type Role,
  type TeamAction,
  type TeamActivityEntry
} from '@kspay/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { writeAudit, type Actor } from './audit';

/**
 * A team action's activity line: on the business (no app), naming the member's address and
 * the role, or the change of role (`asha@example.com · Developer → Admin`). Takes the caller's
 * transaction, so the change and its line commit together.
 */
export interface TeamAuditEntry {
  businessId: string;
  action: TeamAction;
  actor: Actor;
  /** The member's (or invited) address. */
  email: string;
  role: Role;
  /** A change of role: the role before. */
  from?: Role;
  at: string;
}

const SEPARATOR = ' · ';
const ARROW = ' → ';

export async function writeTeamAudit(db: Kysely<Database>, entry: TeamAuditEntry): Promise<void> {
  const roles = entry.from
    ? `${ROLE_LABEL[entry.from]}${ARROW}${ROLE_LABEL[entry.role]}`
    : ROLE_LABEL[entry.role];
  await writeAudit(db, {
    businessId: entry.businessId,
    action: entry.action,
    detail: `${entry.email}${SEPARATOR}${roles}`,
    actor: entry.actor,
    at: entry.at
  });
}

const roleOfLabel = (label: string | undefined): Role | null =>
  ROLES.find((r) => ROLE_LABEL[r] === label) ?? null;

export const isTeamAction = (action: string): action is TeamAction =>
  (TEAM_ACTIONS as readonly string[]).includes(action);

/**
 * A team line as the Team page's Activity shows it, read back from the `detail` written above
 * (an address holds no " · ", so the last one separates it from the roles).
 */
export function readTeamAudit(entry: AuditEntry & { action: TeamAction }): TeamActivityEntry {
  const detail = entry.detail ?? '';
  const cut = detail.lastIndexOf(SEPARATOR);
  const [first, second] = (cut < 0 ? '' : detail.slice(cut + SEPARATOR.length)).split(ARROW);
  return {
    id: entry.id,
    action: entry.action,
    actorName: entry.actorName,
    actorEmail: entry.actorEmail,
    target: cut < 0 ? detail : detail.slice(0, cut),
    role: roleOfLabel(second ?? first),
    from: second === undefined ? null : roleOfLabel(first),
    at: entry.at
  };
}
