import { ROLE_LABEL, type Role } from '@kspay/shared/roles';
import type {
  TeamActivityEntry,
  TeamActivityResponse,
  TeamInvite,
  TeamMember,
  TeamResponse
} from '@kspay/shared/team';
import { toast } from 'svelte-sonner';
import { PagedLog } from '../activity/activity.svelte';
import { report } from '../api/report';
import type { KspayDb } from '../device/db/database';
import { OfflineRead } from '../device/offline-read.svelte';
import {
  changeRole,
  getTeam,
  listTeamActivity,
  removeMember,
  revokeInvite,
  transferOwnership
} from './api';

/** The action waiting for its confirmation in the page's one ConfirmDialog. */
export type TeamQuestion =
  | { kind: 'role'; member: TeamMember; role: Role }
  | { kind: 'remove'; member: TeamMember }
  | { kind: 'transfer'; member: TeamMember }
  | { kind: 'leave'; member: TeamMember }
  | { kind: 'revoke'; invite: TeamInvite };

export interface TeamHooks {
  /** After "Leave": the business is no longer this person's. */
  left(): Promise<void>;
  /** The caller's own role changed (a transfer, or another Owner's change seen on refresh). */
  ownRoleChanged(): Promise<unknown>;
}

/**
 * The Team page of one business: its members and pending invitations, and the team's activity,
 * read from the server and kept on this device (offline the page shows them "as of" their
 * time); and the actions on them, which need the server. Every action answers with the
 * server's words on failure (the last Owner, a role that may not do it).
 */
export class Team {
  readonly read: OfflineRead<TeamResponse>;
  readonly activity: PagedLog<TeamActivityEntry, TeamActivityResponse>;
  question = $state.raw<TeamQuestion | null>(null);
  #pending: Promise<void> | null = null;

  constructor(
    db: KspayDb,
    readonly businessId: string,
    private readonly userId: string,
    private readonly hooks: TeamHooks & { role(): Role | null }
  ) {
    // The replica is the business's own, so its id stands where an app's would.
    this.read = new OfflineRead(db, {
      key: `team:${businessId}`,
      appId: businessId,
      fetch: () => getTeam(businessId)
    });
    this.activity = new PagedLog(db, {
      key: `team-activity:${businessId}`,
      appId: businessId,
      fetch: (before, limit) => listTeamActivity(businessId, before, limit),
      asOf: (page) => page.asOf
    });
  }

  get data(): TeamResponse | null {
    return this.read.data;
  }

  /**
   * Reads the team and its activity again. What is on screen stays until the answer replaces
   * it (no flash); out of reach, it stays as this device's copy with its time. When the answer
   * shows the caller's own role changed by someone else, the business's role is read again,
   * so every page hides what the new role cannot do.
   */
  load(): Promise<void> {
    // A focus and a visibility change arrive together: one read answers both.
    this.#pending ??= this.#load().finally(() => (this.#pending = null));
    return this.#pending;
  }

  async #load(): Promise<void> {
    await Promise.all([this.read.load(), this.activity.load()]);
    if (this.read.state.kind !== 'fresh') return;
    const own = this.read.state.data.members.find((m) => m.userId === this.userId);
    if (own && own.role !== this.hooks.role()) await this.hooks.ownRoleChanged();
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
