import { z } from 'zod';

/**
 * A member's role in a business, strongest first. The server enforces these on every route
 * (`/api`, sync push and pull); the web app only hides what a role cannot do.
 */
export const ROLES = ['owner', 'admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, {
  error: 'Pick a role: Owner, Admin, Developer or Viewer'
});

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  developer: 'Developer',
  viewer: 'Viewer'
};

/**
 * What a member may do, by action. Reads of a business's data (overview, transactions, CSV,
 * audit log, team page) need only membership: `read`.
 */
export const PERMISSIONS = {
  /** Overview, transactions, CSV, audit log, the team page. */
  read: ['owner', 'admin', 'developer', 'viewer'],
  /** Public keys, hints, last used. */
  'keys.read': ['owner', 'admin', 'developer'],
  /** Generate, regenerate, disable, download keys. */
  'keys.manage': ['owner', 'admin'],
  /** Register, edit, enable and disable apps. */
  'apps.write': ['owner', 'admin', 'developer'],
  /** Allowed domains and webhooks. */
  'integrations.write': ['owner', 'admin', 'developer'],
  /** Invite, change roles, remove members (an Admin never acts on an Owner). */
  'team.manage': ['owner', 'admin'],
  /** Transfer ownership: the member becomes Owner, the caller Admin. */
  'team.transfer': ['owner'],
  /** The business's own details (company profile). */
  'business.write': ['owner', 'admin']
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Whether `actor` may invite as, change to or from, or remove `target`'s role: only an Owner
 * acts on Owners.
 */
export function canManageRole(actor: Role | null | undefined, target: Role): boolean {
  return can(actor, 'team.manage') && (target !== 'owner' || actor === 'owner');
}

/**
 * What the server answers when a member's role does not allow an action. It is the reason a
 * change queued offline is refused after a demotion; a page never shows it to a role that
 * could never act (`roleCannot` says that).
 */
export const ROLE_REFUSAL = 'Your role no longer allows this';

/** The actions a page may offer or refuse by role, in the words a refusal uses. */
export const ROLE_ACTIONS = {
  'apps.register': { permission: 'apps.write', text: 'register apps' },
  'apps.edit': { permission: 'apps.write', text: 'edit apps' },
  'keys.read': { permission: 'keys.read', text: 'see API keys' },
  'keys.manage': { permission: 'keys.manage', text: 'generate, regenerate or disable API keys' },
  'integrations.write': {
    permission: 'integrations.write',
    text: 'change allowed domains or webhooks'
  },
  'team.manage': { permission: 'team.manage', text: 'invite members or change roles' },
  'business.write': { permission: 'business.write', text: "change the business's details" }
} as const satisfies Record<string, { permission: Permission; text: string }>;
export type RoleAction = keyof typeof ROLE_ACTIONS;

const PLURAL: Record<Role, string> = {
  owner: 'Owners',
  admin: 'Admins',
  developer: 'Developers',
  viewer: 'Viewers'
};

/**
 * Why `role` cannot do `action`, and whom to ask: "Viewers can't register apps. Ask an Owner or
 * Admin." (Owners and Admins manage roles, so they can act or give the role that may.)
 */
export function roleCannot(role: Role, action: RoleAction): string {
  const { permission, text } = ROLE_ACTIONS[action];
  const ask = ROLES.filter((r) => can(r, permission) && can(r, 'team.manage')).map(
    (r) => ROLE_LABEL[r]
  );
  const whom = ask.length > 1 ? `${ask.slice(0, -1).join(', ')} or ${ask.at(-1)}` : ask[0];
  return `${PLURAL[role]} can't ${text}. Ask an ${whom ?? 'Owner'}.`;
}
