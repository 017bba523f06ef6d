import {
  sessionInfoSchema,
  type ForgotPasswordInput,
  type ResetPasswordInput,
  type SessionInfo,
  type SignInInput
} from '@kspay/shared/auth';
import { secondFactorRequiredSchema, type SecondFactorRequired } from '@kspay/shared/mfa';
import { api } from '../api/client';
import { ApiRequestError, send } from '../api/errors';

/**
 * The accounts API (server/src/console/auth.ts). Each call resolves with the parsed answer or
 * throws an `ApiRequestError`; answers are checked against the shared schemas so a server
 * that drifts from the contract fails loudly here rather than deep in a component.
 */
/** Signed in, or (202) the password was right and a second factor is still needed. */
export async function signIn(input: SignInInput): Promise<SessionInfo | SecondFactorRequired> {
  const res = await send(api.auth['sign-in'].$post({ json: input }));
  const body: unknown = await res.json();
  return res.status === 202
    ? secondFactorRequiredSchema.parse(body)
    : sessionInfoSchema.parse(body);
}

export async function signOut(): Promise<void> {
  await send(api.auth['sign-out'].$post());
}

/** The current session, or null when signed out (401). */
export async function getSession(): Promise<SessionInfo | null> {
  try {
    const res = await send(api.auth.session.$get());
    return sessionInfoSchema.parse(await res.json());
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) return null;
    throw err;
  }
}

/** Resolves with the server's neutral message, the same whether or not the account exists. */
export async function forgotPassword(input: ForgotPasswordInput): Promise<string> {
  const res = await send(api.auth['forgot-password'].$post({ json: input }));
  // Typed by the server's route (no schema in shared for a one-field answer).
  const { message } = await res.json();
  return message;
}

export async function resetPassword(input: ResetPasswordInput): Promise<SessionInfo> {
  const res = await send(api.auth['reset-password'].$post({ json: input }));
  return sessionInfoSchema.parse(await res.json());
}
