import type { ApiKey, AuditEntry, KeyGrace } from '@kspay/shared/app-settings';
import Bowser from 'bowser';

/** Display helpers of the Settings page; pure, so they are unit-tested. */

/**
 * "12 Mar 2026, 14:05" in `timeZone` (pages pass the account's, `account.zone`; the browser's
 * when undefined); "" for a missing or broken time.
 */
export function formatTime(iso: string | null, timeZone?: string): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? ''
    : at.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
}

/**
 * What the pair's status badge says: "Active", "Expiring at …", "Disabled", "Replaced". A pair
 * the merchant disabled stays "Disabled" after a new pair replaces it: it stopped when they
 * disabled it, not when it was replaced.
 */
export function keyStatusText(
  key: Pick<ApiKey, 'status' | 'expiresAt' | 'disabledAt'>,
  timeZone?: string
): string {
  if (key.status === 'replaced' && key.disabledAt) return 'Disabled';
  switch (key.status) {
    case 'active':
      return 'Active';
    case 'expiring':
      return `Expiring at ${formatTime(key.expiresAt, timeZone)}`;
    case 'disabled':
      return 'Disabled';
    case 'replaced':
      return 'Replaced';
  }
}

export const graceChoices: { value: KeyGrace; label: string }[] = [
  { value: 'now', label: 'Immediately' },
  { value: '1h', label: 'In 1 hour' },
  { value: '24h', label: 'In 24 hours' },
  { value: '7d', label: 'In 7 days' }
];

/**
 * "Chrome on Linux", "Safari on iOS"; a script or an unknown client gets its product token
 * ("curl/8.5.0") cut short rather than the whole header. The raw text stays on hover.
 */
export function describeUserAgent(ua: string | null): string {
  if (!ua?.trim()) return 'Unknown browser';
  const { browser, os } = Bowser.parse(ua);
  if (browser.name) return os.name ? `${browser.name} on ${os.name}` : browser.name;
  const first = ua.trim().split(/\s+/)[0] ?? ua;
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

const actionTexts: Record<AuditEntry['action'], string> = {
  'key.generated': 'Generated a key pair',
  'key.regenerated': 'Regenerated the key pair',
  'key.disabled': 'Disabled a key pair',
  'key.enabled': 'Enabled a key pair',
  'domain.added': 'Added a domain',
  'domain.removed': 'Removed a domain',
  'app.registered': 'Registered the app',
  'app.updated': 'Edited the app',
  'app.enabled': 'Enabled the app',
  'app.disabled': 'Disabled the app',
  'team.invited': 'Invited a member',
  'team.invite_revoked': 'Revoked an invitation',
  'team.joined': 'Joined the team',
  'team.role_changed': 'Changed a role',
  'team.removed': 'Removed a member',
  'team.left': 'Left the team',
  'team.ownership_transferred': 'Transferred ownership'
};

const graceTexts: Record<string, string> = {
  now: 'old pair stopped immediately',
  '1h': 'old pair works for 1 more hour',
  '24h': 'old pair works for 24 more hours',
  '7d': 'old pair works for 7 more days'
};

/** The line of an activity entry: what happened, and to which key or origin. */
export function describeAudit(entry: Pick<AuditEntry, 'action' | 'detail' | 'keyId'>): {
  title: string;
  detail: string | null;
} {
  const title = actionTexts[entry.action];
  if (entry.action === 'key.regenerated' && entry.detail) {
    // The server writes "replaces ak_…, grace 1h".
    const grace = /grace (\w+)/.exec(entry.detail)?.[1];
    const note = grace ? graceTexts[grace] : undefined;
    return { title, detail: note ? `${entry.keyId ?? ''} (${note})`.trim() : entry.detail };
  }
  if (entry.action.startsWith('key.')) return { title, detail: entry.keyId };
  // Domains: the origin; team actions: the member's address and role(s); app actions: as written.
  return { title, detail: entry.detail };
}
