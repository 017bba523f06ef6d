import { can, type Permission, type Role } from '@kspay/shared/roles';
import { toApiError } from '../api/errors';
import { ownBusinessId } from '../device/db/database';
import { listBusinesses } from './api';
import {
  afterLosing,
  chooseBusiness,
  localBusinessMemory,
  type BusinessMemory,
  type BusinessSummary
} from './selection';

export interface BusinessApi {
  list(): Promise<BusinessSummary[]>;
}

/**
 * The businesses of the signed-in person and the one they work in now. The server is the
 * authority (`GET /api/businesses`, read fresh at every sign-in and on demand); this device
 * remembers the list so the app opens offline in the right business with the right role. The
 * role only hides what the server would refuse anyway: every route and sync checks it again.
 */
export class Businesses {
  list = $state.raw<BusinessSummary[]>([]);
  current = $state.raw<BusinessSummary | null>(null);
  readonly role = $derived<Role | null>(this.current?.role ?? null);

  #userId: string | null = null;
  #loading: Promise<BusinessSummary | null> | null = null;

  constructor(
    private readonly api: BusinessApi,
    private readonly memory: BusinessMemory
  ) {}

  /** Whether the current role allows `permission` (false while no business is open). */
  can(permission: Permission): boolean {
    return can(this.role, permission);
  }

  /** The business to open for `userId`: the list is asked once per sign-in, then reused. */
  load(userId: string): Promise<BusinessSummary | null> {
    if (this.#userId !== userId) {
      this.#userId = userId;
      this.#loading = null;
      this.list = [];
      this.current = null;
    }
    this.#loading ??= this.refresh().catch((err: unknown) => {
      this.#loading = null;
      throw err;
    });
    // The business current NOW: the switcher or a joined invitation may have moved on since.
    return this.#loading.then(() => this.current);
  }

  /**
   * Asks the server for the list again (after joining, or when a role may have changed) and
   * keeps the current business when still listed. Offline, the remembered list stands; with
   * none, an account from before teams works in the business migration 012 made for it.
   */
  async refresh(): Promise<BusinessSummary | null> {
    const userId = this.#userId;
    if (!userId) return null;
    let list: BusinessSummary[];
    try {
      list = await this.api.list();
      this.memory.writeList(userId, list);
    } catch (err) {
      if (!toApiError(err).isNetwork) throw err;
      list = this.memory.readList(userId) ?? [
        { id: ownBusinessId(userId), name: 'Your business', role: 'owner' }
      ];
    }
    if (this.#userId !== userId) return this.current;
    this.list = list;
    const remembered = this.current?.id ?? this.memory.readCurrent(userId);
    this.#setCurrent(chooseBusiness(list, remembered));
    return this.current;
  }

  /** The switcher: work in `businessId` from now on (the caller opens its replica). */
  select(businessId: string): BusinessSummary | null {
    const found = this.list.find((b) => b.id === businessId) ?? null;
    if (found) this.#setCurrent(found);
    return found;
  }

  /** Just joined (invite accepted): listed at once and made current. */
  joined(business: BusinessSummary): void {
    this.list = [...this.list.filter((b) => b.id !== business.id), business];
    if (this.#userId) this.memory.writeList(this.#userId, this.list);
    this.#setCurrent(business);
  }

  /** The server said the person is no longer a member: forget it, move to another. */
  lose(businessId: string): BusinessSummary | null {
    const { list, next } = afterLosing(this.list, businessId);
    this.list = list;
    if (this.#userId) this.memory.writeList(this.#userId, list);
    if (this.current?.id === businessId) this.#setCurrent(next);
    return this.current;
  }

  /** Sign-out: the list is user data; only the current id (opaque) stays on the device. */
  forget(userId: string): void {
    this.memory.writeList(userId, null);
    if (this.#userId === userId) {
      this.#userId = null;
      this.#loading = null;
      this.list = [];
      this.current = null;
    }
  }

  #setCurrent(business: BusinessSummary | null): void {
    this.current = business;
    if (business && this.#userId) this.memory.writeCurrent(this.#userId, business.id);
  }
}

export const businesses = new Businesses({ list: listBusinesses }, localBusinessMemory);
