import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { Secret, TOTP } from 'otpauth';
import {
  RECOVERY_CODE_COUNT,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  type FactorInput,
  type PasskeyAssertion
} from '@kspay/shared';
import type { Services } from '../env';
import { secretBox } from '../lib/secret-box';
import { hashToken } from '../lib/tokens';
import { authChallengeStore } from '../store/auth-challenges';
import { passkeyStore } from '../store/passkeys';
import { totpStore } from '../store/totp';

/** WebAuthn challenges live as long as the browser's own prompt may (timeout below). */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const WEBAUTHN_TIMEOUT_MS = 120 * 1000;
const ISSUER = 'KS Pay';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function totpFor(secret: Secret, label: string) {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret
  });
}

/** `xxxx-xxxx-xxxx-xxxx`: 16 base32 characters, 80 random bits. */
function newRecoveryCode(): string {
  const chars = [...randomBytes(16)].map((b) => BASE32[b & 31]).join('');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/** The challenge a WebAuthn answer signed, read from its clientDataJSON (never trusted alone). */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as unknown;
    const challenge = (data as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && challenge.length <= 200 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Every sign-in factor but the password: TOTP (RFC 6238 through `otpauth`, ±1 step, each step
 * once), recovery codes (SHA-256 at rest, single use) and passkeys (WebAuthn through
 * `@simplewebauthn/server`; rpID is PUBLIC_ORIGIN's host, origins the configured ones,
 * challenges single use and stored as hashes). Used by set-up, the sign-in step and
 * re-authentication alike.
 */
export function factorService(s: Services) {
  const box = secretBox(s.config.secretsKey);
  const totp = totpStore(s.db, s.clock);
  const passkeys = passkeyStore(s.db, s.clock);
  const challenges = authChallengeStore(s.db, s.clock);
  const rpID = new URL(s.config.publicOrigin).hostname;
  const expectedOrigin = s.config.allowedOrigins;

  async function checkTotp(userId: string, code: string, mustBeConfirmed = true) {
    const row = await totp.get(userId);
    if (!row || (mustBeConfirmed && !row.confirmed)) return false;
    const secret = Secret.fromBase32(box.open(row.sealedSecret, userId));
    const timestamp = s.clock.now().getTime();
    const delta = totpFor(secret, userId).validate({ token: code, timestamp, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS) + delta;
    return totp.claimStep(userId, step);
  }

  /** The passkey that signed a fresh challenge of ours, or null. Uses the challenge up. */
  async function checkAssertion(response: PasskeyAssertion, requireUserVerification: boolean) {
    const challenge = challengeOf(response.response.clientDataJSON);
    if (!challenge || (await challenges.take(challenge, 'passkey-assert')) === undefined) {
      return null;
    }
    const passkey = await passkeys.byCredentialId(response.id);
    if (!passkey) return null;
    const handle = response.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) return null;
    try {
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin,
        expectedRPID: rpID,
        credential: {
          id: passkey.credentialId,
          publicKey: passkey.publicKey,
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransportFuture[] | undefined
        },
        requireUserVerification
      });
      if (!verified) return null;
      await passkeys.markUsed(
        passkey.id,
        authenticationInfo.newCounter,
        authenticationInfo.credentialBackedUp
      );
      return { userId: passkey.userId, passkeyId: passkey.id };
    } catch (err) {
      s.log.info({ reason: err instanceof Error ? err.message : 'unknown' }, 'passkey refused');
      return null;
    }
  }

  return {
    totp,
    passkeys,
    checkTotp,
    checkAssertion,

    /** Starts (or restarts) set-up: a new secret, sealed at rest, shown once. */
    async beginTotp(userId: string, email: string) {
      const secret = new Secret({ size: 20 });
      if (!(await totp.begin(userId, box.seal(secret.base32, userId)))) return null;
      return { secret: secret.base32, uri: totpFor(secret, email).toString() };
    },

    /** Confirms set-up with a first code: the ten recovery codes, shown once. */
    async confirmTotp(userId: string, code: string): Promise<string[] | null> {
      if (!(await checkTotp(userId, code, false))) return null;
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await totp.confirm(
        userId,
        codes.map((c) => hashToken(c.replace(/-/g, '')))
      );
      return codes;
    },

    /** One proof of a second factor for `userId`: a code, a recovery code or a passkey. */
    async check(userId: string, input: FactorInput): Promise<boolean> {
      if ('code' in input) return checkTotp(userId, input.code);
      if ('recoveryCode' in input) return totp.useRecoveryCode(userId, input.recoveryCode);
      return (await checkAssertion(input.passkey, false))?.userId === userId;
    },

    /** What a sign-in may ask for; an empty list means the password is enough. */
    async secondFactors(userId: string) {
      if (!(await totp.isEnabled(userId))) return [];
      const methods: ('totp' | 'recovery' | 'passkey')[] = ['totp', 'recovery'];
      if ((await passkeys.count(userId)) > 0) methods.push('passkey');
      return methods;
    },

    async registrationOptions(user: { id: string; email: string; name: string }) {
      const options = await generateRegistrationOptions({
        rpName: ISSUER,
        rpID,
        userName: user.email,
        userDisplayName: user.name,
        userID: new TextEncoder().encode(user.id),
        attestationType: 'none',
        timeout: WEBAUTHN_TIMEOUT_MS,
        excludeCredentials: (await passkeys.credentialIds(user.id)).map((c) => ({
          id: c.id,
          transports: c.transports as AuthenticatorTransportFuture[] | undefined
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
      });
      await challenges.put(options.challenge, 'passkey-register', user.id, CHALLENGE_TTL_MS);
      return options;
    },

    /** Verifies a new credential against a registration challenge of this account's. */
    async register(userId: string, name: string, response: RegistrationResponseJSON) {
      const challenge = challengeOf(response.response.clientDataJSON);
      if (!challenge || (await challenges.take(challenge, 'passkey-register')) !== userId) {
        return null;
      }
      try {
        const { verified, registrationInfo } = await verifyRegistrationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin,
          expectedRPID: rpID,
          requireUserVerification: false
        });
        if (!verified) return null;
        const { credential } = registrationInfo;
        return await passkeys.add({
          userId,
          name,
          credentialId: credential.id,
          publicKey: credential.publicKey,
          counter: credential.counter,
          deviceType: registrationInfo.credentialDeviceType,
          backedUp: registrationInfo.credentialBackedUp,
          transports: credential.transports
        });
      } catch (err) {
        s.log.info({ reason: err instanceof Error ? err.message : 'unknown' }, 'passkey refused');
        return null;
      }
    },

    /** Options for any assertion (sign-in, second factor, re-authentication): discoverable. */
    async assertionOptions() {
      const options = await generateAuthenticationOptions({
        rpID,
        timeout: WEBAUTHN_TIMEOUT_MS,
        userVerification: 'preferred'
      });
      await challenges.put(options.challenge, 'passkey-assert', null, CHALLENGE_TTL_MS);
      return options;
    }
  };
}

export type FactorService = ReturnType<typeof factorService>;
