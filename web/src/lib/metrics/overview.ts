import { OVERVIEW_DAYS_DEFAULT, type Overview } from '@kspay/shared';
import { api } from '$lib/api/client';
import { send } from '$lib/api/errors';
import type { ReadRequest } from '$lib/device/offline-read.svelte';

/** `GET /api/apps/:appId/overview`, stored as `overview:<appId>` for offline reading. */
export function overviewRead(appId: string, days = OVERVIEW_DAYS_DEFAULT): ReadRequest<Overview> {
  return {
    key: `overview:${appId}`,
    appId,
    asOf: (o) => o.asOf,
    fetch: async () => {
      const res = await send(
        api.apps[':appId'].overview.$get({ param: { appId }, query: { days: String(days) } })
      );
      return await res.json();
    }
  };
}
