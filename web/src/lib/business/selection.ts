import { memberBusinessSchema, type MemberBusiness } from '@kspay/shared/businesses';
import { z } from 'zod';

/** A business the signed-in person belongs to, and their role in it (no secret). */
export type BusinessSummary = MemberBusiness;

const rememberedSchema = z.object({ list: z.array(memberBusinessSchema) });

/**
 * Where a person's businesses are remembered on this device, per user: the list (names and
 * roles, so the switcher and the role gates work offline) and, separately, the one they were
 * working in. Neither is a secret. Sign-out forgets the list; the current id (an opaque id,
 * no data) stays, so the next sign-in returns to the same business.
 */
export interface BusinessMemory {
  readList(userId: string): BusinessSummary[] | null;
  writeList(userId: string, list: BusinessSummary[] | null): void;
  readCurrent(userId: string): string | null;
  writeCurrent(userId: string, businessId: string): void;
}

/**
 * The business to open: the remembered one while the person still belongs to it, else the
 * first they own, else the first listed; null for an empty list.
 */
export function chooseBusiness(
  list: readonly BusinessSummary[],
  remembered: string | null
): BusinessSummary | null {
  return (
    list.find((b) => b.id === remembered) ?? list.find((b) => b.role === 'owner') ?? list[0] ?? null
  );
}

/** The businesses left to switch to after losing `lostId`, and which one to open. */
export function afterLosing(
  list: readonly BusinessSummary[],
  lostId: string
): { list: BusinessSummary[]; next: BusinessSummary | null } {
  const left = list.filter((b) => b.id !== lostId);
  return { list: left, next: chooseBusiness(left, null) };
}

/** Sorted for the switcher: by name, then id (stable when two share a name). */
export function switcherOrder(list: readonly BusinessSummary[]): BusinessSummary[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}

const LIST_KEY = (userId: string) => `kspay:businesses:${userId}`;
const CURRENT_KEY = (userId: string) => `kspay:business:${userId}`;

function read<T>(key: string, parse: (raw: unknown) => T | null): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : parse(JSON.parse(raw));
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or blocked (private mode): the list is simply asked for again next time.
  }
}

export const localBusinessMemory: BusinessMemory = {
  readList: (userId) =>
    read(LIST_KEY(userId), (raw) => {
      const parsed = rememberedSchema.safeParse(raw);
      return parsed.success ? parsed.data.list : null;
    }),
  writeList: (userId, list) => write(LIST_KEY(userId), list && { list }),
  readCurrent: (userId) =>
    read(CURRENT_KEY(userId), (raw) => (typeof raw === 'string' ? raw : null)),
  writeCurrent: (userId, businessId) => write(CURRENT_KEY(userId), businessId)
};
