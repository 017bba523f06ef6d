import { userSchema, type SessionInfo, type User } from '@kspay/shared/auth';
import { getSession, signOut } from './api';
import { ApiRequestError } from '../api/errors';

/** What the session store needs from the server; the real one is `./api/auth`. */
export interface SessionApi {
  getSession(): Promise<SessionInfo | null>;
  signOut(): Promise<void>;
}

/** Where the last signed-in user is remembered so the app opens offline (no secrets in it). */
export interface UserMemory {
  read(): User | null;
  write(user: User | null): void;
}

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/**
 * The signed-in merchant, shared by every page. The server is the authority (the cookie is
 * HttpOnly); this store mirrors `GET /api/auth/session` and is updated by sign-in, sign-up,
 * reset and sign-out. Offline, it falls back to the last user seen on this device, so a
 * merchant keeps working from the local database; the next request that reaches the server
 * decides (a 401 signs them out here too).
 */
export class Session {
  info = $state<SessionInfo | null>(null);
  /** The user, also when known only from this device's memory while offline. */
  user = $state<User | null>(null);
  status = $state<SessionStatus>('unknown');
  /** True when the user comes from memory because the server could not be reached. */
  offline = $state(false);

  #loading: Promise<void> | null = null;
  readonly #api: SessionApi;
  readonly #memory: UserMemory;

  constructor(api: SessionApi, memory: UserMemory) {
    this.#api = api;
    this.#memory = memory;
  }

  /** Loads the session once; later calls reuse the answer (call `refresh` to ask again). */
  load(): Promise<void> {
    this.#loading ??= this.refresh();
    return this.#loading;
  }

  async refresh(): Promise<void> {
    try {
      const info = await this.#api.getSession();
      if (info) this.set(info);
      else this.clear();
    } catch (err) {
      const remembered = this.#memory.read();
      if (err instanceof ApiRequestError && err.isNetwork && remembered) {
        this.info = null;
        this.user = remembered;
        this.status = 'signed-in';
        this.offline = true;
      } else {
        // The server answered something unusable: treat as signed out rather than guessing.
        this.clear(false);
      }
    }
  }

  /** After sign-in, sign-up or reset: the server's answer is the new session. */
  set(info: SessionInfo): void {
    this.info = info;
    this.user = info.user;
    this.status = 'signed-in';
    this.offline = false;
    this.#loading = Promise.resolve();
    this.#memory.write(info.user);
  }

  /** Signed out locally (after sign-out, or when the server answers 401). */
  clear(forget = true): void {
    this.info = null;
    this.user = null;
    this.status = 'signed-out';
    this.offline = false;
    this.#loading = Promise.resolve();
    if (forget) this.#memory.write(null);
  }

  /** Revokes the session on the server, then forgets it here. Throws if the server refused. */
  async signOut(): Promise<void> {
    await this.#api.signOut();
    this.clear();
  }
}

const MEMORY_KEY = 'kspay:last-user';

/** localStorage memory: the user's id, name and email only (public profile, not a secret). */
const localUserMemory: UserMemory = {
  read() {
    try {
      const raw = localStorage.getItem(MEMORY_KEY);
      if (!raw) return null;
      const parsed = userSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  },
  write(user) {
    try {
      if (user) localStorage.setItem(MEMORY_KEY, JSON.stringify(user));
      else localStorage.removeItem(MEMORY_KEY);
    } catch {
      // Storage may be full or blocked (private mode): offline start is then unavailable.
    }
  }
};

/** The app's one session. */
export const session = new Session({ getSession, signOut }, localUserMemory);
