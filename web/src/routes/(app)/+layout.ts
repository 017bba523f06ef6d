import { redirect } from '@sveltejs/kit';
import { local } from '$lib/device/local.svelte';
import { signInPath } from '$lib/session/redirects';
import { session } from '$lib/session/session.svelte';
import type { LayoutLoad } from './$types';

/**
 * Every page in this group needs a signed-in merchant, and their local database open (it holds
 * the apps replica, drafts and outbox; opening it also starts the sync). Offline, the session
 * falls back to the last user of this device, so the database opens without the server.
 */
export const load: LayoutLoad = async ({ url }) => {
  await session.load();
  if (session.status !== 'signed-in' || !session.user) redirect(307, signInPath(url));
  await local.open(session.user.id);
};
