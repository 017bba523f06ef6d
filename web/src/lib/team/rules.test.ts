import type { TeamActivityEntry, TeamMember } from '@kspay/shared/team';
import { describe, expect, it } from 'vitest';
import { describeTeamActivity } from './activity-text';
import { assignableRoles, LAST_OWNER_LEAVE, memberActions, memberOrder } from './rules';

const member = (userId: string, role: TeamMember['role'], name = userId): TeamMember => ({
  userId,
  name,
  email: `${userId}@example.com`,
  role,
  lastActiveAt: null,
  joinedAt: '2026-12-01T00:00:00.000Z'
});

const owner = member('us_owner0001', 'owner', 'Olu');
const admin = member('us_admin0001', 'admin', 'Ada');
const dev = member('us_devel0001', 'developer', 'Dev');
const viewer = member('us_viewr0001', 'viewer', 'Vik');
const team = [viewer, dev, admin, owner];

describe('what the Team page offers', () => {
  it('an Owner manages everyone else, and may transfer ownership to anyone not yet Owner', () => {
    const a = memberActions('owner', owner.userId, dev, team);
    expect(a).toMatchObject({
      roles: ['owner', 'admin', 'developer', 'viewer'],
      remove: true,
      transfer: true,
      leave: false
    });
    expect(memberActions('owner', owner.userId, admin, team).transfer).toBe(true);
  });

  it('an Admin manages Admins, Developers and Viewers, never an Owner, and cannot make one', () => {
    expect(memberActions('admin', admin.userId, dev, team)).toMatchObject({
      roles: ['admin', 'developer', 'viewer'],
      remove: true,
      transfer: false
    });
    expect(memberActions('admin', admin.userId, owner, team)).toMatchObject({
      roles: [],
      remove: false,
      transfer: false
    });
    expect(assignableRoles('admin')).not.toContain('owner');
  });

  it('a Developer or Viewer sees the team but may change nothing but leave', () => {
    for (const actor of [dev, viewer]) {
      for (const m of team) {
        const a = memberActions(actor.role, actor.userId, m, team);
        expect(a.roles).toEqual([]);
        expect(a.remove).toBe(false);
        expect(a.transfer).toBe(false);
        expect(a.leave).toBe(m === actor);
      }
    }
    expect(assignableRoles('viewer')).toEqual([]);
    expect(assignableRoles(null)).toEqual([]);
  });

  it('on your own row: Leave, never Remove or Change role', () => {
    expect(memberActions('admin', admin.userId, admin, team)).toMatchObject({
      roles: [],
      remove: false,
      leave: true,
      leaveBlocked: null
    });
  });

  it('the last Owner is told why they cannot leave; with a second Owner they can', () => {
    expect(memberActions('owner', owner.userId, owner, team).leaveBlocked).toBe(LAST_OWNER_LEAVE);
    const second = member('us_owner0002', 'owner');
    expect(memberActions('owner', owner.userId, owner, [...team, second]).leaveBlocked).toBeNull();
  });

  it('lists Owners first, then by role and name', () => {
    expect(memberOrder(team).map((m) => m.name)).toEqual(['Olu', 'Ada', 'Dev', 'Vik']);
  });
});

describe('the team activity in words', () => {
  const entry = (over: Partial<TeamActivityEntry>): TeamActivityEntry => ({
    id: 'au_000000001',
    action: 'team.role_changed',
    actorName: 'Asha',
    actorEmail: 'asha@example.com',
    target: 'ravi@example.com',
    role: 'admin',
    from: 'developer',
    at: '2026-12-08T10:00:00.000Z',
    ...over
  });

  it('names who acted, on whom, and the old and new role', () => {
    expect(describeTeamActivity(entry({}))).toEqual({
      who: 'Asha',
      what: 'changed the role of ravi@example.com',
      roles: 'Developer → Admin'
    });
    expect(
      describeTeamActivity(entry({ action: 'team.invited', from: null, role: 'viewer' }))
    ).toEqual({ who: 'Asha', what: 'invited ravi@example.com', roles: 'Viewer' });
  });

  it('says a join or a leave in the member’s own words, and copes with a deleted account', () => {
    const joined = entry({ action: 'team.joined', actorName: 'Ravi', from: null });
    expect(describeTeamActivity(joined)).toEqual({
      who: 'Ravi',
      what: 'joined the team',
      roles: 'Admin'
    });
    const gone = entry({ action: 'team.left', actorName: null, actorEmail: null, role: null });
    expect(describeTeamActivity(gone)).toEqual({
      who: 'A former member',
      what: 'left the team',
      roles: null
    });
  });
});
