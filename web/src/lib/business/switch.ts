import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { toast } from 'svelte-sonner';
import { local } from '../device/local.svelte';
import { signingOut } from '../device/sign-out.svelte';
import { deleteReplica } from '../device/sync/local-data';
import { session } from '../session/session.svelte';
import { businesses } from './business.svelte';
import type { BusinessSummary } from './selection';

/**
 * Moving between businesses. Each has its own replica on this device; the pages below the
 * shell are keyed on the open replica, so they re-render with the new business's data.
 */

/** Opens the current business's replica and goes to its dashboard. */
async function openCurrent(): Promise<void> {
  const user = session.user;
  const current = businesses.current;
  if (!user) return;
  if (current) await local.open(user.id, current.id);
  else await local.close();
  await goto(resolve('/'));
}

/** The switcher in the account menu. */
export async function switchBusiness(businessId: string): Promise<void> {
  if (businesses.current?.id === businessId) return;
  if (!businesses.select(businessId)) return;
  await openCurrent();
}

/**
 * After accepting an invitation (on the invite page, outside the shell): the new business
 * becomes the current one; the signed-in layout opens its replica on the way to its dashboard.
 */
export async function enterJoined(userId: string, business: BusinessSummary): Promise<void> {
  await businesses.load(userId).catch(() => null);
  businesses.joined(business);
  await goto(resolve('/'), { replaceState: true });
}

/**
 * The person no longer belongs to `businessId` (they left, or the server answered
 * `not_a_member`): its replica leaves this device, and the app moves to another business.
 */
export async function dropBusiness(
  businessId: string,
  tell: boolean,
  name = businesses.list.find((b) => b.id === businessId)?.name ?? 'a business'
): Promise<void> {
  const user = session.user;
  if (!user) return;
  if (local.current?.businessId === businessId) await local.close();
  await deleteReplica(user.id, businessId).catch(() => undefined);
  businesses.lose(businessId);
  if (tell) toast.warning(`You are no longer a member of ${name}`, { duration: 10_000 });
  await openCurrent();
}

/**
 * Asks the server for the person's businesses again (coming back to the tab, or after another
 * tab deleted the open replica). A role change shows at once; a business no longer listed is
 * dropped from this device with a word to the person, and another one opens.
 */
export async function recheckBusinesses(): Promise<void> {
  const before = businesses.current;
  await businesses.refresh().catch(() => null);
  if (before && !businesses.list.some((b) => b.id === before.id)) {
    await dropBusiness(before.id, true, before.name);
  } else if (!local.current && businesses.current) {
    await openCurrent();
  }
}

/**
 * Another tab deleted the open replica: it signed this person out, or it learnt they are no
 * longer a member of this business. The server tells which.
 */
export async function followWipe(): Promise<void> {
  await local.close();
  // Another tab is signing this person out: the server session ends in a moment.
  const user = session.user;
  if (user && signingOut(user.id)) {
    session.clear();
    return;
  }
  await session.refresh();
  if (session.status !== 'signed-in') return; // the shell goes to the sign-in page
  await recheckBusinesses();
}
