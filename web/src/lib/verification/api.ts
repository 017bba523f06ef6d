import {
  sessionInfoSchema,
  signUpResponseSchema,
  type SessionInfo,
  type SignUpInput,
  type SignUpResponse
} from '@kspay/shared/auth';
import { api } from '../api/client';
import { send } from '../api/errors';

/**
 * Sign-up and email verification (server/src/console/auth.ts, verification.ts). Sign-up signs
 * nobody in: it answers "check your email" for any address; the mailed link signs in.
 */
export async function signUp(input: SignUpInput): Promise<SignUpResponse> {
  const res = await send(api.auth['sign-up'].$post({ json: input }));
  return signUpResponseSchema.parse(await res.json());
}

/** Opens a "Verify your email" link: the address is proven and this browser signed in. */
export async function verifyEmail(token: string): Promise<SessionInfo> {
  const res = await send(api.auth['verify-email'].$post({ json: { token } }));
  return sessionInfoSchema.parse(await res.json());
}

/** Mails a new link to the signed-in account; resolves with the server's message. */
export async function resendVerification(): Promise<string> {
  const res = await send(api.auth['verify-email'].resend.$post());
  const { message } = await res.json();
  return message;
}
