import { session } from '$lib/session/session.svelte';
import type { LayoutLoad } from './$types';

// A single-page app: nothing is rendered on a server, every route renders in the browser.
export const ssr = false;
export const prerender = false;

/**
 * Asks the server for the session as soon as the root layout's code is here, while the
 * group's own code (the dashboard's database and sync engine) is still downloading: the group
 * layouts await this same request instead of starting it last. Not awaited, so nothing waits
 * on it here; it uses neither `url` nor `params`, so it runs once per page load.
 */
export const load: LayoutLoad = () => {
  void session.load();
};
