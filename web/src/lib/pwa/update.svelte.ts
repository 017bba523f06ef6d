/**
 * What the update prompt needs from the service worker (the real one wraps workbox-window in
 * `./register.ts`; tests pass a fake).
 */
export interface UpdateChannel {
  /** Asks the browser to look for a newer service worker now. */
  check(): Promise<void>;
  /**
   * Lets the waiting worker take over and reloads the page once it controls it (at once if no
   * worker is waiting any more, e.g. another tab already accepted).
   */
  activate(): void;
}

/**
 * The app's update state, one per page. A newly deployed version installs in the background and
 * then waits: the page keeps running the version it started with until the merchant presses
 * "Reload". Nothing here reloads by itself — a form may hold unsaved input — and drafts are
 * saved to IndexedDB as the merchant types, so the reload they choose loses nothing either.
 */
export class AppUpdate {
  /** A newer version is installed and waiting for the merchant's "Reload". */
  available = $state(false);
  /** The server refused this version (sync answered "client outdated"): updating is needed. */
  required = $state(false);
  /** "Reload" was pressed; the page reloads as soon as the new version controls it. */
  reloading = $state(false);

  #channel: UpdateChannel | null = null;

  /** Called by registration once the service worker is known. */
  connect(channel: UpdateChannel): void {
    this.#channel = channel;
    if (this.required) void this.check();
  }

  /** A new version finished installing (here or in another tab). */
  offer(): void {
    this.available = true;
  }

  /** The merchant pressed "Reload". */
  accept(): void {
    if (!this.#channel || this.reloading) return;
    this.reloading = true;
    this.#channel.activate();
  }

  async check(): Promise<void> {
    try {
      await this.#channel?.check();
    } catch {
      // Offline or the server is down: the browser checks again on the next navigation.
    }
  }

  /**
   * For the sync layer: the server answered "client outdated". The new version is fetched in
   * the background; the prompt appears when it is ready, and the choice stays the merchant's.
   */
  requireUpdate(): void {
    if (this.required) return;
    this.required = true;
    void this.check();
  }
}

/** The page's one update state, read by `<UpdatePrompt>`. */
export const appUpdate = new AppUpdate();
