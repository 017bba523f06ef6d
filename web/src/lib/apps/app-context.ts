import { createContext } from 'svelte';
import type { LocalApp } from '../device/db/types';

/** The open app of `/apps/[id]/**`, read live by the layout and shared with its pages. */
export interface OpenApp {
  readonly id: string;
  /** Undefined until the first read; null when this device has no such app. */
  readonly app: LocalApp | null | undefined;
}

export const [getOpenApp, setOpenApp] = createContext<OpenApp>();

/** `GET /api/apps/:id/logo?v=<logoHash>`: the hash makes a new logo a new URL (cached for good). */
export function logoUrl(app: Pick<LocalApp, 'id' | 'logoHash'>): string | null {
  return app.logoHash
    ? `/api/apps/${encodeURIComponent(app.id)}/logo?v=${encodeURIComponent(app.logoHash)}`
    : null;
}
