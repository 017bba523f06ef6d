import { ROLE_LABEL, type Role } from '@kspay/shared/roles';
import type { TeamInvite, TeamMember, TeamResponse } from '@kspay/shared/team';
import { toast } from 'svelte-sonner';
import { toApiError } from '../api/errors';
import { report } from '../api/report';
import { changeRole, getTeam, removeMember, revokeInvite, transferOwnership } from './api';

/** The action waiting for its confirmation in the page's one ConfirmDialog. */
export type TeamQuestion =
  | { kind: 'role'; member: TeamMember; role: Role }
  | { kind: 'remove'; member: TeamMember }
  | { kind: 'transfer'; member: TeamMember }
  | { kind: 'leave'; member: TeamMember }
  | { kind: 'revoke'; invite: TeamInvite };

/**
 * The Team page of one business: its members and pending invitations, read from the server
 * (online only: a team is the server's to change), and the actions on them. Every action
 * answers with the server's words on failure (the last Owner, a role that may not do it).
 */
export class Team {
  data = $state.raw<TeamResponse | null>(null);
  loadError = $state<string | null>(null);
  loading = $state(false);
  question = $state.raw<TeamQuestion | null>(null);

  constructor(
    readonly businessId: string,
    private readonly hooks: {
      /** After "Leave": the business is no longer this person's. */
      left(): Promise<void>;
      /** After a transfer: the caller's own role changed (Owner → Admin). */
      ownRoleChanged(): Promise<unknown>;
    }
  ) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.data = await getTeam(this.businessId);
      this.loadError = null;
    } catch (err) {
      this.loadError = toApiError(err).message;
    } finally {
      this.loading = false;
    }
  }

  ask(question: TeamQuestion): void {
    this.question = question;
  }

  /** Runs the confirmed action; failures keep the page as it was and say why. */
  async confirm(): Promise<void> {
    const q = this.question;
    if (!q) return;
    try {
      await this.#run(q);
    } catch (err) {
      report(err);
      return;
    }
    if (q.kind !== 'leave') await this.load();
  }

  async #run(q: TeamQuestion): Promise<void> {
    const id = this.businessId;
    switch (q.kind) {
      case 'role':
        await changeRole(id, q.member.userId, q.role);
        toast.success(`${q.member.name} is now ${ROLE_LABEL[q.role]}`);
        return;
      case 'remove':
        await removeMember(id, q.member.userId);
        toast.success(`${q.member.name} was removed from the team`);
        return;
      case 'transfer':
        await transferOwnership(id, q.member.userId);
        await this.hooks.ownRoleChanged();
        toast.success(`${q.member.name} is now an Owner; you are an Admin`);
        return;
      case 'leave':
        await removeMember(id, q.member.userId);
        await this.hooks.left();
        return;
      case 'revoke':
        await revokeInvite(id, q.invite.id);
        toast.success(`The invitation to ${q.invite.email} was revoked`);
        return;
    }
  }
}
