import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/session/redirects';
import { session } from '$lib/session/session.svelte';
import type { LayoutLoad } from './$types';

/** Pages for people without an account or session; forgot/reset stay open to everyone. */
const SIGNED_OUT_ONLY = new Set(['/sign-in', '/sign-up']);

export const load: LayoutLoad = async ({ url }) => {
  await session.load();
  if (session.status === 'signed-in' && SIGNED_OUT_ONLY.has(url.pathname)) {
    redirect(307, safeNext(url.searchParams.get('next')));
  }
};
