import type { ActiveSession } from '@kspay/shared/profile';
import { toApiError } from '../api/errors';
import { report } from '../api/report';
import { endOtherSessions, endSession, listSessions } from './api';

/**
 * "Active sessions": the account's signed-in devices, read from the server each time the
 * Profile page opens (never kept on the device). Ending a session re-reads the list, so what
 * is shown is what the server holds.
 */
class ActiveSessions {
  list = $state<ActiveSession[] | null>(null);
  error = $state<string | null>(null);
  /** The id being signed out (or 'others'), for the buttons' spinners. */
  busy = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await listSessions();
      this.error = null;
    } catch (err) {
      this.error = toApiError(err).message;
    }
  }

  async end(id: string): Promise<boolean> {
    return this.#act(id, () => endSession(id));
  }

  async endOthers(): Promise<boolean> {
    return this.#act('others', endOtherSessions);
  }

  async #act(busy: string, action: () => Promise<unknown>): Promise<boolean> {
    this.busy = busy;
    try {
      await action();
      await this.load();
      return true;
    } catch (err) {
      report(err);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** At sign-out: the next merchant's sessions are not this one's. */
  clear(): void {
    this.list = null;
    this.error = null;
  }
}

export const activeSessions = new ActiveSessions();
