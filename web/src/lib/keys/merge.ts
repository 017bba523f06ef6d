import type { ApiKey, AuditEntry } from '@kspay/shared/app-settings';

/**
 * Pure list updates of the Settings page (plain module: no reactivity needed, unit-tested).
 */

/** The list after an action's answer: changed pairs replace theirs by id, newest first. */
export function mergePairs(list: readonly ApiKey[], changed: readonly (ApiKey | null)[]): ApiKey[] {
  const byId = new Map(list.map((k) => [k.id, k]));
  for (const k of changed) if (k) byId.set(k.id, k);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** An older page appended; entries are immutable and keyed by id, so none shows twice. */
export function appendEntries<E extends { id: string } = AuditEntry>(
  shown: readonly E[],
  page: readonly E[]
): E[] {
  const seen = new Set(shown.map((e) => e.id));
  return [...shown, ...page.filter((e) => !seen.has(e.id))];
}
