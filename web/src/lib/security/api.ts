import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import {
  mfaStatusSchema,
  passkeyListSchema,
  passkeySchema,
  recoveryCodesSchema,
  totpSetupSchema,
  type FactorInput,
  type MfaStatus,
  type Passkey,
  type PasskeyAssertion
} from '@kspay/shared/mfa';
import { sessionInfoSchema, type SessionInfo } from '@kspay/shared/auth';
import { api } from '../api/client';
import { ApiRequestError, send } from '../api/errors';

const PROMPT_CLOSED =
  'No passkey was used: the prompt was closed or timed out, or this device has none for KS Pay.';

/** The browser's WebAuthn prompt failing (cancelled, timed out) reads as a form error. */
async function withAuthenticator<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (err) {
    if (err instanceof ApiRequestError) throw err;
    throw new ApiRequestError(400, 'invalid_credentials', PROMPT_CLOSED);
  }
}

/**
 * Two-factor sign-in and passkeys (server/src/console/mfa.ts, passkeys.ts, second-factor.ts).
 * The TOTP secret and the recovery codes live only in the component that shows them, never in
 * IndexedDB or a cache (every `/api` answer is `no-store`).
 */
export async function mfaStatus(): Promise<MfaStatus> {
  return mfaStatusSchema.parse(await (await send(api.mfa.$get())).json());
}

export async function setupTotp() {
  return totpSetupSchema.parse(await (await send(api.mfa.totp.setup.$post())).json());
}

export async function confirmTotp(code: string): Promise<string[]> {
  const res = await send(api.mfa.totp.confirm.$post({ json: { code } }));
  return recoveryCodesSchema.parse(await res.json()).recoveryCodes;
}

export async function disableTotp(input: { code: string } | { recoveryCode: string }) {
  await send(api.mfa.totp.disable.$post({ json: input }));
}

export async function listPasskeys(): Promise<Passkey[]> {
  return passkeyListSchema.parse(await (await send(api.passkeys.$get())).json()).passkeys;
}

/** Asks this device's authenticator for a new passkey and saves it under `name`. */
export async function addPasskey(name: string): Promise<Passkey> {
  const res = await send(api.passkeys['registration-options'].$post());
  const { options } = await res.json();
  const response = await withAuthenticator(() =>
    startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON })
  );
  // Extension outputs are not used; the contract bounds the rest.
  const json = { name, response: { ...response, clientExtensionResults: {} } };
  const saved = await send(api.passkeys.$post({ json }));
  return passkeySchema.parse((await saved.json()).passkey);
}

export async function removePasskey(passkeyId: string): Promise<void> {
  await send(api.passkeys[':passkeyId'].$delete({ param: { passkeyId } }));
}

/** A passkey's signature over a fresh challenge (sign-in, second factor, re-authentication). */
export async function passkeyAssertion(): Promise<PasskeyAssertion> {
  const res = await send(api.passkeys['assertion-options'].$post());
  const { options } = await res.json();
  const response = await withAuthenticator(() =>
    startAuthentication({
      optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON
    })
  );
  return { ...response, clientExtensionResults: {} };
}

export async function signInWithPasskey(): Promise<SessionInfo> {
  const passkey = await passkeyAssertion();
  const res = await send(api.passkeys['sign-in'].$post({ json: { passkey } }));
  return sessionInfoSchema.parse(await res.json());
}

/** The second step of a two-factor sign-in. */
export async function secondFactor(input: FactorInput): Promise<SessionInfo> {
  const res = await send(api.auth['second-factor'].$post({ json: input }));
  return sessionInfoSchema.parse(await res.json());
}

/** Re-authentication with a code or a passkey instead of the password. */
export async function reauthenticateWithFactor(input: FactorInput): Promise<SessionInfo> {
  const res = await send(api.auth.reauthenticate.$post({ json: input }));
  return sessionInfoSchema.parse(await res.json());
}
