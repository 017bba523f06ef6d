import type { Role, TeamResponse } from '@kspay/shared';
import { expect } from 'vitest';
import { businessStore } from '../../src/store/businesses';
import { call, createMerchant, type Merchant, type TestServer } from './security';

/** Helpers for the team suites: a merchant's own business, invitations, members of each role. */

/** The business `m`'s account started with (sign-up makes its Owner). */
export async function ownBusiness(t: TestServer, m: { id: string }): Promise<string> {
  const [own] = await businessStore(t.services.db, t.clock).forUser(m.id);
  if (!own) throw new Error(`${m.id} has no business`);
  return own.id;
}

export const teamPath = (businessId: string, rest = '') => `/api/businesses/${businessId}${rest}`;

export function invite(t: TestServer, by: Merchant, businessId: string, email: string, role: Role) {
  return call(t, 'POST', teamPath(businessId, '/invites'), {
    cookie: by.cookie,
    body: { email, role }
  });
}

/** The token of the latest invitation mailed to `email` (null: none). */
export function inviteToken(t: TestServer, email: string): string | null {
  const mail = t.mailer.sent.filter((m) => m.to === email && /\/invite#token=/.test(m.text)).at(-1);
  return /\/invite#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? null;
}

export function accept(t: TestServer, body: Record<string, unknown>, cookie?: string) {
  return call(t, 'POST', '/api/invites/accept', { body, cookie });
}

export function preview(t: TestServer, token: string | null) {
  return call(t, 'POST', '/api/invites/preview', { body: { token } });
}

export async function team(t: TestServer, m: Merchant, businessId: string): Promise<TeamResponse> {
  const res = await call(t, 'GET', teamPath(businessId, '/members'), { cookie: m.cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TeamResponse;
}

/** The role of each member, by address. */
export async function roles(t: TestServer, m: Merchant, businessId: string) {
  const { members } = await team(t, m, businessId);
  return Object.fromEntries(members.map((x) => [x.email, x.role]));
}

/** A new account that joined `businessId` as `role` through an invitation from `owner`. */
export async function joined(
  t: TestServer,
  owner: Merchant,
  businessId: string,
  role: Role
): Promise<Merchant> {
  const m = await createMerchant(t);
  expect((await invite(t, owner, businessId, m.email, role)).status).toBe(201);
  const res = await accept(t, { token: inviteToken(t, m.email) }, m.cookie);
  expect(res.status, await res.clone().text()).toBe(200);
  return m;
}

/** An Owner of a fresh business, with a member of every other role. */
export async function businessWithTeam(t: TestServer) {
  const owner = await createMerchant(t);
  const businessId = await ownBusiness(t, owner);
  return {
    businessId,
    owner,
    admin: await joined(t, owner, businessId, 'admin'),
    developer: await joined(t, owner, businessId, 'developer'),
    viewer: await joined(t, owner, businessId, 'viewer')
  };
}
