import type { PageLoad } from './$types';

/** The dashboard's code loads after the group's session check (see ../+layout.ts). */
export const load: PageLoad = async ({ parent }) => {
  await parent();
  const { default: Dashboard } = await import('$lib/apps/dashboard.svelte');
  return { Dashboard };
};
