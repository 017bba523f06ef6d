import { INVITE_TTL_MS, ROLES, type Role, type TeamInvite, type TeamMember } from '@kspay/shared';
import { newId } from '@kspay/shared/ids';
import { sql } from 'kysely';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken, newLinkToken } from '../lib/tokens';

/** An open invitation as its link shows it (`POST /api/invites/preview`). */
export interface OpenInvite {
  id: string;
  businessId: string;
  businessName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

const rank = (role: Role) => ROLES.indexOf(role);

/**
 * A business's members and invitations (issue 16). Writes that could leave a business without
 * an Owner run inside one transaction that first takes `lock(businessId)`, then re-reads the
 * roles it decides on: two Owners demoting each other one after the other see each other's
 * change, so one stays Owner.
 */
export function teamStore(database: Db, clock: Clock) {
  const { db, dialect } = database;
  const nowIso = () => clock.now().toISOString();

  const memberQuery = () =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id as userId',
        'users.name',
        'users.email',
        'memberships.role',
        'memberships.last_active_at as lastActiveAt',
        'memberships.created_at as joinedAt'
      ]);

  /** Open: neither accepted nor revoked nor expired. */
  const openInvites = () =>
    db
      .selectFrom('invites')
      .where('invites.accepted_at', 'is', null)
      .where('invites.revoked_at', 'is', null)
      .where('invites.expires_at', '>', nowIso());

  return {
    /**
     * Serialises the team writes of one business: `SELECT … FOR UPDATE` on its row on
     * PostgreSQL; on SQLite the single connection already runs one write transaction at a time.
     * Call inside a transaction (the store seen through `withTx`).
     */
    async lock(businessId: string): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`select id from businesses where id = ${businessId} for update`.execute(db);
    },

    /** Strongest role first, then by who joined first. */
    async members(businessId: string): Promise<TeamMember[]> {
      const rows = await memberQuery()
        .where('memberships.business_id', '=', businessId)
        .orderBy('memberships.created_at')
        .orderBy('users.id')
        .execute();
      return rows.sort((a, b) => rank(a.role) - rank(b.role));
    },

    async member(businessId: string, userId: string): Promise<TeamMember | null> {
      const row = await memberQuery()
        .where('memberships.business_id', '=', businessId)
        .where('memberships.user_id', '=', userId)
        .executeTakeFirst();
      return row ?? null;
    },

    async isMemberByEmail(businessId: string, email: string): Promise<boolean> {
      const row = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.id')
        .where('memberships.business_id', '=', businessId)
        .where('users.email', '=', email)
        .executeTakeFirst();
      return row !== undefined;
    },

    async ownerCount(businessId: string): Promise<number> {
      const r = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('business_id', '=', businessId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Adds the member; false when they already are one (their role stays as it was). */
    async join(businessId: string, userId: string, role: Role): Promise<boolean> {
      const now = nowIso();
      const res = await db
        .insertInto('memberships')
        .values({
          business_id: businessId,
          user_id: userId,
          role,
          created_at: now,
          last_active_at: null
        })
        .onConflict((oc) => oc.columns(['business_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async setRole(businessId: string, userId: string, role: Role): Promise<void> {
      await db
        .updateTable('memberships')
        .set({ role })
        .where('business_id', '=', businessId)
        .where('user_id', '=', userId)
        .execute();
    },

    async remove(businessId: string, userId: string): Promise<void> {
      await db
        .deleteFrom('memberships')
        .where('business_id', '=', businessId)
        .where('user_id', '=', userId)
        .execute();
    },

    /** Open invitations, newest first, with who sent each. */
    async invites(businessId: string): Promise<TeamInvite[]> {
      const rows = await openInvites()
        .innerJoin('users', 'users.id', 'invites.invited_by')
        .select([
          'invites.id',
          'invites.email',
          'invites.role',
          'invites.created_at',
          'invites.expires_at',
          'users.name as inviterName',
          'users.email as inviterEmail'
        ])
        .where('invites.business_id', '=', businessId)
        .orderBy('invites.created_at', 'desc')
        .orderBy('invites.id', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        invitedBy: { name: r.inviterName, email: r.inviterEmail },
        createdAt: r.created_at,
        expiresAt: r.expires_at
      }));
    },

    /**
     * A new invitation for 7 days; an open one to the same address is revoked first, so its
     * link stops working and only the newest mail counts. The token is answered here only,
     * for the mail; the row keeps its SHA-256.
     */
    async invite(input: {
      businessId: string;
      email: string;
      role: Role;
      invitedBy: string;
    }): Promise<{ id: string; token: string; createdAt: string; expiresAt: string }> {
      const { token, row } = newLinkToken(clock.now(), INVITE_TTL_MS);
      await db
        .updateTable('invites')
        .set({ revoked_at: row.created_at })
        .where('business_id', '=', input.businessId)
        .where('email', '=', input.email)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      const id = newId('iv');
      await db
        .insertInto('invites')
        .values({
          id,
          business_id: input.businessId,
          email: input.email,
          role: input.role,
          token_hash: row.token_hash,
          invited_by: input.invitedBy,
          created_at: row.created_at,
          expires_at: row.expires_at,
          accepted_at: null,
          revoked_at: null
        })
        .execute();
      return { id, token, createdAt: row.created_at, expiresAt: row.expires_at };
    },

    /** An open invitation of this business by id, or null. */
    async openInvite(
      businessId: string,
      inviteId: string
    ): Promise<{ id: string; email: string; role: Role } | null> {
      const row = await openInvites()
        .select(['invites.id', 'invites.email', 'invites.role'])
        .where('invites.id', '=', inviteId)
        .where('invites.business_id', '=', businessId)
        .executeTakeFirst();
      return row ?? null;
    },

    async revoke(inviteId: string): Promise<void> {
      await db
        .updateTable('invites')
        .set({ revoked_at: nowIso() })
        .where('id', '=', inviteId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** The open invitation a link's token names, or null (unknown, used, revoked, expired). */
    async open(token: string): Promise<OpenInvite | null> {
      const row = await openInvites()
        .innerJoin('businesses', 'businesses.id', 'invites.business_id')
        .select([
          'invites.id',
          'invites.business_id as businessId',
          'businesses.name as businessName',
          'invites.email',
          'invites.role',
          'invites.expires_at as expiresAt'
        ])
        .where('invites.token_hash', '=', hashToken(token))
        .executeTakeFirst();
      return row ?? null;
    },

    /**
     * Uses the link up. The conditional UPDATE is the single-use guarantee: of two requests
     * racing with one token exactly one sees its row updated.
     */
    async accept(inviteId: string): Promise<boolean> {
      const now = nowIso();
      const res = await db
        .updateTable('invites')
        .set({ accepted_at: now })
        .where('id', '=', inviteId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    }
  };
}

export type TeamStore = ReturnType<typeof teamStore>;
