import { redirect } from '@sveltejs/kit';
import { signInPath } from '$lib/redirects';
import { session } from '$lib/session.svelte';
import type { LayoutLoad } from './$types';

/** Every page in this group needs a signed-in merchant. */
export const load: LayoutLoad = async ({ url }) => {
  await session.load();
  if (session.status !== 'signed-in') redirect(307, signInPath(url));
};
