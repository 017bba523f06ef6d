import type { Account } from '@kspay/shared/auth';
import { report } from '../api/report';
import { toApiError } from '../api/errors';
import { local } from '../device/local.svelte';
import { loadProfile, saveProfile } from '../device/profile';
import { session } from '../session/session.svelte';
import { getAccount } from './api';
import { browserTimeZone } from './time-zones';

/**
 * The signed-in merchant's account settings: the time zone decides which days the date filter
 * offers and the times every page shows. Read once per session from the server and kept on
 * this device (`device/profile.ts`), so a reload offline still uses the account's zone; until
 * either answers, pages fall back to the browser's zone. The server applies the account's
 * zone to every answer whatever the page sent.
 */
class AccountSettings {
  current = $state<Account | null>(null);
  #loading: Promise<void> | null = null;

  /** The zone of the merchant signed in now (never a previous session's). */
  get timeZone(): string | undefined {
    const a = this.current;
    return a && a.id === session.user?.id ? a.timeZone : undefined;
  }

  /** The zone pages draw days and times in: the account's, else (not known yet) the browser's. */
  get zone(): string {
    return this.timeZone ?? browserTimeZone() ?? 'UTC';
  }

  /** Loads the account unless already known; failures go to the one error handler. */
  load(): Promise<void> {
    if (this.current && this.current.id !== session.user?.id) this.clear();
    this.#loading ??= this.#load().catch((err: unknown) => {
      this.#loading = null;
      // Out of reach: the header already says "Offline", and pages show the device's copy;
      // a toast would repeat it (and did on an offline reload before Profile was ever opened).
      if (!toApiError(err).isNetwork) report(err);
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const userId = session.user?.id;
    const device = local.current?.userId === userId ? local.current : null;
    if (device && userId && !this.current) {
      const stored = await loadProfile(device.db, userId).catch(() => null);
      if (stored && !this.current) this.current = stored;
    }
    this.set(await getAccount());
  }

  /** The account as the server answered it, also kept on this device. */
  set(a: Account): void {
    this.current = a;
    const device = local.current;
    if (device?.userId === a.id) void saveProfile(device.db, a).catch(() => undefined);
  }

  /** At sign-out: the next merchant's settings are not this one's. */
  clear(): void {
    this.current = null;
    this.#loading = null;
  }
}

export const account = new AccountSettings();
