import { newId } from '@kspay/shared/ids';
import type { Role } from '@kspay/shared/roles';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';

export interface MemberBusiness {
  id: string;
  name: string;
  role: Role;
}

/** `last_active_at` is written at most this often per member and business. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * Businesses and the memberships that give people a role in them (012_teams).
 *
 * INVARIANT: a role is read from committed state on every request and never cached, so a role
 * change or removal committed by any process takes effect on the very next request everywhere.
 * This store creates a business with its first Owner (sign-up); changes to memberships
 * (invites, roles, removal, transfer) belong to the team store.
 */
export function businessStore(database: Db, clock: Clock) {
  const { db } = database;

  /** The caller's membership (role and last activity), or null for a non-member. */
  async function membership(
    businessId: string,
    userId: string
  ): Promise<{ role: Role; lastActiveAt: string | null } | null> {
    const row = await db
      .selectFrom('memberships')
      .select(['role', 'last_active_at'])
      .where('business_id', '=', businessId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? { role: row.role, lastActiveAt: row.last_active_at } : null;
  }

  return {
    /** A new business with `ownerId` as its Owner; call inside the caller's transaction. */
    async create(input: { name: string; ownerId: string }): Promise<MemberBusiness> {
      const now = clock.now().toISOString();
      const id = newId('bu');
      await db.insertInto('businesses').values({ id, name: input.name, created_at: now }).execute();
      await db
        .insertInto('memberships')
        .values({
          business_id: id,
          user_id: input.ownerId,
          role: 'owner',
          created_at: now,
          last_active_at: null
        })
        .execute();
      return { id, name: input.name, role: 'owner' };
    },

    /** The businesses `userId` belongs to with their role, oldest membership first. */
    async forUser(userId: string): Promise<MemberBusiness[]> {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('businesses', 'businesses.id', 'memberships.business_id')
        .select(['businesses.id', 'businesses.name', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('memberships.created_at')
        .orderBy('businesses.id')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, role: r.role }));
    },

    /** The caller's role in the business, or null for a non-member (never cached). */
    async roleOf(businessId: string, userId: string): Promise<Role | null> {
      return (await membership(businessId, userId))?.role ?? null;
    },

    membership,

    async name(businessId: string): Promise<string | null> {
      const row = await db
        .selectFrom('businesses')
        .select('name')
        .where('id', '=', businessId)
        .executeTakeFirst();
      return row?.name ?? null;
    },

    /** Records the member's activity; a no-op when it was recorded less than a minute ago. */
    async touch(businessId: string, userId: string): Promise<void> {
      const now = clock.now();
      const before = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
      await db
        .updateTable('memberships')
        .set({ last_active_at: now.toISOString() })
        .where('business_id', '=', businessId)
        .where('user_id', '=', userId)
        .where((eb) =>
          eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<=', before)])
        )
        .execute();
    }
  };
}

/** The name a new account's own business starts with. */
export const ownBusinessName = (personName: string) => `${personName}'s business`;
