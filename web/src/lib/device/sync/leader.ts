import type { SyncPhase } from './state';

/**
 * The Web Lock held by whoever syncs one replica's outbox (a user's, of one business): one tab,
 * or the service worker. Named after the database, so two businesses sync independently.
 */
export const lockName = (database: string) => `kspay-sync-${database}`;

/** The part of `navigator.locks` used here (tests pass a fake; old browsers have none). */
export interface LockManagerLike {
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

type Message =
  | { type: 'nudge' }
  | { type: 'resume' }
  | { type: 'hello' }
  | { type: 'state'; phase: SyncPhase; lastError: string | null };

export interface LeadershipHooks {
  locks: LockManagerLike | null | undefined;
  broadcast: boolean;
  onLead(): void;
  onNudge(): void;
  onResume(): void;
  onLeaderState(phase: SyncPhase, lastError: string | null): void;
  current(): { phase: SyncPhase; lastError: string | null };
}

/**
 * One syncing tab per replica. The tab holding the Web Lock `name` leads until it stops (the
 * browser releases the lock when the tab closes or crashes, and the next waiting tab leads);
 * the others forward triggers ("nudge") over a BroadcastChannel of the same name and mirror
 * the leader's phase. Without Web Locks every tab leads: two tabs may then sync at once,
 * which the protocol tolerates (the server serialises a client's pushes), it only costs.
 */
export class Leadership {
  #channel: BroadcastChannel | null = null;
  #release: (() => void) | null = null;
  #leader = false;
  #stopped = false;

  constructor(
    readonly name: string,
    private readonly hooks: LeadershipHooks
  ) {}

  start(): void {
    if (this.hooks.broadcast) {
      this.#channel = new BroadcastChannel(this.name);
      this.#channel.onmessage = (ev: MessageEvent<Message>) => this.#receive(ev.data);
      this.#post({ type: 'hello' });
    }
    const locks = this.hooks.locks;
    if (!locks) {
      this.#lead();
      return;
    }
    locks
      .request(
        this.name,
        () =>
          new Promise<void>((resolve) => {
            if (this.#stopped) return resolve();
            this.#release = resolve;
            this.#lead();
          })
      )
      .catch(() => {
        // The lock could not be taken (an aborted request): lead alone rather than never sync.
        if (!this.#stopped) this.#lead();
      });
  }

  #lead(): void {
    this.#leader = true;
    this.hooks.onLead();
  }

  #receive(msg: Message): void {
    if (this.#stopped) return;
    if (msg.type === 'nudge' && this.#leader) this.hooks.onNudge();
    else if (msg.type === 'resume') this.hooks.onResume();
    else if (msg.type === 'hello' && this.#leader) {
      const { phase, lastError } = this.hooks.current();
      this.#post({ type: 'state', phase, lastError });
    } else if (msg.type === 'state' && !this.#leader) {
      this.hooks.onLeaderState(msg.phase, msg.lastError);
    }
  }

  #post(msg: Message): void {
    this.#channel?.postMessage(msg);
  }

  nudge(): void {
    this.#post({ type: 'nudge' });
  }

  resume(): void {
    this.#post({ type: 'resume' });
  }

  announce(phase: SyncPhase, lastError: string | null): void {
    if (this.#leader) this.#post({ type: 'state', phase, lastError });
  }

  stop(): void {
    this.#stopped = true;
    this.#leader = false;
    this.#release?.();
    this.#channel?.close();
    this.#channel = null;
  }
}
