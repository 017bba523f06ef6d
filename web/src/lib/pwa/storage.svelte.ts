/** Usage above this share of the quota warns the merchant. */
const NEARLY_FULL_RATIO = 0.8;

/** A refused request is asked again after this long (the browser may grant it later, e.g. once installed). */
export const PERSIST_RETRY_MS = 30 * 24 * 60 * 60 * 1000;

const ASKED_KEY = 'kspay:storage-persist-asked';

/** The parts of `navigator.storage` and localStorage this uses (tests pass fakes). */
export interface StorageDeps {
  storage: Pick<StorageManager, 'persist' | 'persisted' | 'estimate'> | undefined;
  memory: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  now: () => number;
}

/**
 * Keeps the merchant's local data (apps, outbox, drafts) safe from the browser's storage
 * eviction: asks for persistent storage once there is data worth keeping, and warns when the
 * origin's usage nears its quota (drafts with logos and offline data would stop being saved).
 */
export class StorageCare {
  /** Whether the browser promised not to evict this origin's data; null until known. */
  persisted = $state<boolean | null>(null);
  usage = $state(0);
  quota = $state(0);
  nearlyFull = $derived(this.quota > 0 && this.usage > this.quota * NEARLY_FULL_RATIO);

  readonly #deps: StorageDeps;
  #asking: Promise<void> | null = null;

  constructor(deps: StorageDeps) {
    this.#deps = deps;
  }

  /**
   * Asks for persistence at most once per page, and not again on this device for a while after
   * a refusal (Firefox asks the person each time; Chromium decides silently).
   */
  persist(): Promise<void> {
    this.#asking ??= this.#persist();
    return this.#asking;
  }

  async #persist(): Promise<void> {
    const { storage, memory, now } = this.#deps;
    if (!storage) return;
    try {
      if (await storage.persisted()) {
        this.persisted = true;
        return;
      }
      const asked = Number(memory?.getItem(ASKED_KEY) ?? 0);
      if (asked && now() - asked < PERSIST_RETRY_MS) {
        this.persisted = false;
        return;
      }
      this.persisted = await storage.persist();
      if (!this.persisted) memory?.setItem(ASKED_KEY, String(now()));
    } catch {
      // Storage blocked (private mode, policy): nothing to keep, nothing to warn about.
    }
  }

  /** Reads usage and quota again (usage grows with drafts, logos and synced apps). */
  async measure(): Promise<void> {
    try {
      const estimate = await this.#deps.storage?.estimate();
      this.usage = estimate?.usage ?? 0;
      this.quota = estimate?.quota ?? 0;
    } catch {
      // As above: an unknown quota shows no warning.
    }
  }
}

function browserDeps(): StorageDeps {
  const nav = globalThis.navigator as Navigator | undefined;
  let memory: Storage | undefined;
  try {
    memory = globalThis.localStorage;
  } catch {
    memory = undefined;
  }
  return { storage: nav?.storage, memory, now: () => Date.now() };
}

/** The page's one storage watcher, read by `<StorageWarning>`. */
export const storageCare = new StorageCare(browserDeps());
