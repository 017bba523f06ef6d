import { redirect } from '@sveltejs/kit';
import { signInPath } from '$lib/session/redirects';
import { session } from '$lib/session/session.svelte';
import type { LayoutLoad } from './$types';

/**
 * Every page in this group needs a signed-in merchant, the business they work in, and its
 * local replica open (it holds the apps, drafts and outbox; opening it also starts the sync).
 * Offline, the session falls back to the last user of this device and the business list to the
 * one remembered here, so the replica opens without the server.
 * The shell and the database load only after the session check: a stranger is sent to the
 * sign-in page without downloading them (first-visit budget of issue 15).
 */
export const load: LayoutLoad = async ({ url }) => {
  await session.load();
  if (session.status !== 'signed-in' || !session.user) redirect(307, signInPath(url));
  const userId = session.user.id;
  const [{ local }, { businesses }, { default: Shell }] = await Promise.all([
    import('$lib/device/local.svelte'),
    import('$lib/business/business.svelte'),
    import('$lib/shell/app-shell.svelte')
  ]);
  const business = await businesses.load(userId).catch(() => null);
  if (business) await local.open(userId, business.id);
  return { Shell };
};
