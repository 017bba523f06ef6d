import type { Account } from '@kspay/shared/auth';
import { report } from '../api/report';
import { session } from '../session/session.svelte';
import { getAccount } from './api';

/**
 * The signed-in merchant's account settings, read once per session and kept in memory: the
 * time zone decides which days the date filter offers. Until it is known, pages fall back to
 * the browser's zone for what they show; the server applies the account's zone to every
 * answer whatever the page sent.
 */
class AccountSettings {
  current = $state<Account | null>(null);
  #loading: Promise<void> | null = null;

  /** The zone of the merchant signed in now (never a previous session's). */
  get timeZone(): string | undefined {
    const a = this.current;
    return a && a.id === session.info?.user.id ? a.timeZone : undefined;
  }

  /** Loads the account unless already known; failures go to the one error handler. */
  load(): Promise<void> {
    if (this.current && this.current.id !== session.info?.user.id) this.clear();
    this.#loading ??= getAccount()
      .then((a) => {
        this.current = a;
      })
      .catch((err: unknown) => {
        this.#loading = null;
        report(err);
      });
    return this.#loading;
  }

  set(a: Account): void {
    this.current = a;
  }

  /** At sign-out: the next merchant's settings are not this one's. */
  clear(): void {
    this.current = null;
    this.#loading = null;
  }
}

export const account = new AccountSettings();
