import { toast } from 'svelte-sonner';
import { ApiRequestError } from '../api/errors';
import { session } from '../session/session.svelte';
import type { Unsynced } from './sync/local-data';
import { businesses } from '../business/business.svelte';
import { local } from './local.svelte';

/**
 * Set (to the user's id) while this device signs them out: other tabs see their replica
 * deleted before the server has ended the session, and must not take it for a lost membership.
 */
export const SIGNING_OUT_KEY = 'kspay-signing-out';

export function signingOut(userId: string): boolean {
  try {
    return localStorage.getItem(SIGNING_OUT_KEY) === userId;
  } catch {
    return false;
  }
}

/**
 * Signing out of this device (DESIGN.md §4): count what has not reached the server, ask when
 * there is anything, then delete the merchant's local database and runtime caches, then end
 * the session on the server. The device is wiped first so a failing server call can never leave
 * a signed-out browser holding the merchant's data.
 */
export class SignOutFlow {
  /** Set while the warning is shown. */
  asking = $state<Unsynced | null>(null);
  open = $state(false);

  /** The Sign Out button. */
  async request(): Promise<void> {
    const unsynced = await local.unsynced().catch(() => null);
    if (unsynced && unsynced.changes + unsynced.refused + unsynced.drafts > 0) {
      this.asking = unsynced;
      this.open = true;
      return;
    }
    await this.confirm();
  }

  /** "Sign Out Anyway", or straight away when nothing would be lost. */
  async confirm(): Promise<void> {
    const user = session.user;
    if (!user) return;
    try {
      localStorage.setItem(SIGNING_OUT_KEY, user.id);
    } catch {
      // Storage refused (private mode): other tabs follow once the server session has ended.
    }
    try {
      await local.wipe(user.id);
      businesses.forget(user.id);
    } catch {
      localStorage.removeItem(SIGNING_OUT_KEY);
      toast.error(
        'The data on this device could not be deleted. Close other KS Pay tabs and try again.'
      );
      return;
    }
    try {
      await session.signOut();
    } catch (err) {
      // The device is already clean; the server session ends on its own (or at the next
      // sign-out online). Leaving the merchant signed in here would help nobody.
      session.clear();
      const expired = err instanceof ApiRequestError && err.status === 401;
      if (!expired) {
        toast.warning('Signed out on this device. KS Pay could not be reached to end the session.');
      }
    } finally {
      localStorage.removeItem(SIGNING_OUT_KEY);
    }
  }
}
