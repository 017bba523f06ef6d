import type { ApiKey, KeyCreatedResponse, KeyGrace } from '@kspay/shared/app-settings';
import { toast } from 'svelte-sonner';
import { report } from '../api/report';
import type { KspayDb } from '../device/db/database';
import { OfflineRead } from '../device/offline-read.svelte';
import { disableKey, enableKey, generateKey, listKeys, regenerateKey } from './api';
import { mergePairs } from './merge';
import type { Reauth } from '../reauth/reauth.svelte';

/** Which request runs: one at a time, so a double click cannot send two. */
export type KeyBusy =
  'generate' | `regenerate:${string}` | `disable:${string}` | `enable:${string}`;

/**
 * The key pairs of one app, as the server lists them (never a secret), kept on this device
 * for reading offline. Actions go to the server only (it is the one authority on keys) and
 * return the server's answer; `generate`/`regenerate` hand the one-time secret to the caller,
 * which shows it from its own memory: this class keeps only the listed pairs.
 */
export class KeyList {
  readonly read: OfflineRead<ApiKey[]>;
  busy = $state<KeyBusy | null>(null);
  readonly #appId: string;
  readonly #reauth: Reauth;

  constructor(db: KspayDb, appId: string, reauth: Reauth) {
    this.#appId = appId;
    this.#reauth = reauth;
    this.read = new OfflineRead(db, {
      key: `keys:${appId}`,
      appId,
      fetch: () => listKeys(appId)
    });
  }

  get keys(): ApiKey[] {
    return this.read.data ?? [];
  }

  /** "Generate API Key" while no pair is active or waiting to be enabled again. */
  get canGenerate(): boolean {
    return !this.keys.some((k) => k.status === 'active' || k.status === 'disabled');
  }

  load(): Promise<void> {
    return this.read.load();
  }

  generate(): Promise<KeyCreatedResponse | undefined> {
    return this.#act('generate', () => generateKey(this.#appId), 'New key pair generated');
  }

  regenerate(keyId: string, grace: KeyGrace): Promise<KeyCreatedResponse | undefined> {
    return this.#act(
      `regenerate:${keyId}`,
      () => regenerateKey(this.#appId, keyId, grace),
      'New key pair generated'
    );
  }

  async disable(keyId: string): Promise<boolean> {
    const key = await this.#act(`disable:${keyId}`, () => disableKey(this.#appId, keyId));
    if (key) toast.success('Key pair disabled', { description: 'It stopped working at once.' });
    return key !== undefined;
  }

  async enable(keyId: string): Promise<boolean> {
    const key = await this.#act(`enable:${keyId}`, () => enableKey(this.#appId, keyId));
    if (key) toast.success('Key pair enabled');
    return key !== undefined;
  }

  async #act<T extends ApiKey | KeyCreatedResponse>(
    busy: KeyBusy,
    request: () => Promise<T>,
    done?: string
  ): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = busy;
    try {
      const answer = await this.#reauth.run(request);
      if (answer) {
        this.#merge(...pairsOf(answer));
        // Never the secret in a toast: only that it happened.
        if (done) toast.success(done);
        // Other pairs may have changed too (a disabled pair becomes replaced on generate).
        void this.load();
      }
      return answer;
    } catch (err) {
      const error = report(err);
      // Another tab or device changed the pairs meanwhile: show what is true now.
      if (error.status === 409 || error.status === 404) void this.load();
      return undefined;
    } finally {
      this.busy = null;
    }
  }

  #merge(...changed: (ApiKey | null)[]): void {
    this.read.set(mergePairs(this.keys, changed));
  }
}

/** The pairs an action's answer changed: the new pair and the one it replaced, or the one. */
function pairsOf(answer: ApiKey | KeyCreatedResponse): (ApiKey | null)[] {
  return 'secretKey' in answer ? [answer.key, answer.previous] : [answer];
}
