import { REAUTH_WINDOW_MS } from '@kspay/shared/app-settings';
import type { SessionInfo } from '@kspay/shared/auth';
import { ApiRequestError } from '../api/errors';

/**
 * Key actions and changes to the allowed domains need a password entered in the last 10 minutes
 * (DESIGN.md §7). `run()` asks for
 * it first when the session says the last sign-in is older (with a margin, so the request does
 * not cross the limit on its way), and asks again if the server still answers
 * `reauthentication_required` (another clock, another tab), then retries once. The dialog
 * (`reauth-dialog.svelte`) binds to `open` and settles the question with `confirmed`/`cancel`.
 */
const MARGIN_MS = 30_000;

export class Reauth {
  open = $state(false);
  #answer: ((ok: boolean) => void) | null = null;
  readonly #session: () => SessionInfo | null;
  readonly #now: () => number;

  constructor(session: () => SessionInfo | null, now: () => number = () => Date.now()) {
    this.#session = session;
    this.#now = now;
  }

  get needed(): boolean {
    const at = Date.parse(this.#session()?.authenticatedAt ?? '');
    return !(this.#now() - at < REAUTH_WINDOW_MS - MARGIN_MS);
  }

  /** Resolves true once the password was confirmed, false when the merchant gave up. */
  ask(): Promise<boolean> {
    this.#answer?.(false);
    this.open = true;
    return new Promise((resolve) => (this.#answer = resolve));
  }

  confirmed(): void {
    this.#settle(true);
  }

  cancel(): void {
    this.#settle(false);
  }

  #settle(ok: boolean): void {
    this.open = false;
    const answer = this.#answer;
    this.#answer = null;
    answer?.(ok);
  }

  /** Runs an action behind the password check; undefined when the merchant cancelled. */
  async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    if (this.needed && !(await this.ask())) return undefined;
    try {
      return await action();
    } catch (err) {
      if (!(err instanceof ApiRequestError) || err.code !== 'reauthentication_required') throw err;
      if (!(await this.ask())) return undefined;
      return await action();
    }
  }
}
