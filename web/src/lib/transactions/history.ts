import type { HistoryPage } from '@kspay/shared';
import { api } from '$lib/api/client';
import { send } from '$lib/api/errors';
import type { ReadRequest } from '$lib/device/offline-read.svelte';
import { filterParams, historySnapshotKey, type FilterValues } from './filters';

/** One page of `GET /api/apps/:appId/transactions`, stored per filter and cursor for offline. */
export function historyRead(
  appId: string,
  filter: FilterValues,
  cursor: string | null
): ReadRequest<HistoryPage> {
  return {
    key: historySnapshotKey(appId, filter, cursor),
    appId,
    asOf: (p) => p.asOf,
    fetch: async () => {
      const query = Object.fromEntries(filterParams(filter, cursor));
      const res = await send(api.apps[':appId'].transactions.$get({ param: { appId }, query }));
      return await res.json();
    }
  };
}
