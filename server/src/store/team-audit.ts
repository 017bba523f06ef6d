import { ROLE_LABEL, type Role } from '@kspay/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { writeAudit, type Actor, type AuditAction } from './audit';

type TeamAction = Extract<AuditAction, `team.${string}`>;

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

export async function writeTeamAudit(db: Kysely<Database>, entry: TeamAuditEntry): Promise<void> {
  const roles = entry.from
    ? `${ROLE_LABEL[entry.from]} → ${ROLE_LABEL[entry.role]}`
    : ROLE_LABEL[entry.role];
  await writeAudit(db, {
    businessId: entry.businessId,
    action: entry.action,
    detail: `${entry.email} · ${roles}`,
    actor: entry.actor,
    at: entry.at
  });
}
