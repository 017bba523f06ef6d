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

/** What the server answers when a member's role does not allow an action. */
export const ROLE_REFUSAL = 'Your role no longer allows this';
