import { accountSchema, type Account, type AccountUpdateInput } from '@kspay/shared/auth';
import {
  activeSessionsSchema,
  emailChangeResponseSchema,
  signedOutSchema,
  type ActiveSession,
  type EmailChangeConfirmInput,
  type EmailChangeInput,
  type NameUpdateInput,
  type PasswordChangeInput
} from '@kspay/shared/profile';
import { z } from 'zod';
import { api } from '../api/client';
import { send } from '../api/errors';

/** `GET /api/account`: the signed-in merchant's settings (server/src/console/account.ts). */
export async function getAccount(): Promise<Account> {
  const res = await send(api.account.$get());
  return accountSchema.parse(await res.json());
}

/** `PATCH /api/account`: the answer is the account as saved. */
export async function updateAccount(input: AccountUpdateInput): Promise<Account> {
  const res = await send(api.account.$patch({ json: input }));
  return accountSchema.parse(await res.json());
}

/** `PATCH /api/profile/name`: the answer is the account as saved. */
export async function renameAccount(input: NameUpdateInput): Promise<Account> {
  const res = await send(api.profile.name.$patch({ json: input }));
  return accountSchema.parse(await res.json());
}

/** `POST /api/profile/email`: mails a link to the new address; the same answer either way. */
export async function requestEmailChange(input: EmailChangeInput): Promise<string> {
  const res = await send(api.profile.email.$post({ json: input }));
  return emailChangeResponseSchema.parse(await res.json()).message;
}

/** `POST /api/profile/email/confirm`: the address the account has now. */
export async function confirmEmailChange(input: EmailChangeConfirmInput): Promise<string> {
  const res = await send(api.profile.email.confirm.$post({ json: input }));
  return z.object({ email: z.string() }).parse(await res.json()).email;
}

/** `POST /api/profile/password`: how many other sessions were signed out. */
export async function changePassword(input: PasswordChangeInput): Promise<number> {
  const res = await send(api.profile.password.$post({ json: input }));
  return signedOutSchema.parse(await res.json()).signedOut;
}

export async function listSessions(): Promise<ActiveSession[]> {
  const res = await send(api.sessions.$get());
  return activeSessionsSchema.parse(await res.json()).sessions;
}

export async function endSession(sessionId: string): Promise<void> {
  await send(api.sessions[':sessionId'].$delete({ param: { sessionId } }));
}

export async function endOtherSessions(): Promise<number> {
  const res = await send(api.sessions['sign-out-others'].$post());
  return signedOutSchema.parse(await res.json()).signedOut;
}
