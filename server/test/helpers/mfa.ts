import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { call, sessionCookieOf, type Merchant, type TestServer } from './security';
import { SoftPasskey } from './webauthn';

/** The code an authenticator app shows for `secret` at `atMs` (default: the server clock). */
export function codeFor(t: TestServer, secret: string, atMs = t.clock.now().getTime()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: atMs
  });
}

/** The pending-sign-in cookie a 202 sign-in sets, as `name=value`. */
export function pendingCookieOf(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('kspay_pending='));
  const pair = set?.split(';')[0];
  return pair && pair !== 'kspay_pending=' ? pair : null;
}

/** Turns two-factor sign-in on for `m`; answers the secret and the recovery codes shown once. */
export async function enableTotp(t: TestServer, m: Merchant) {
  const setup = await call(t, 'POST', '/api/mfa/totp/setup', { cookie: m.cookie });
  expect(setup.status).toBe(200);
  const { secret } = (await setup.json()) as { secret: string; uri: string };
  const confirmed = await call(t, 'POST', '/api/mfa/totp/confirm', {
    cookie: m.cookie,
    body: { code: codeFor(t, secret) }
  });
  expect(confirmed.status).toBe(200);
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  // The next code must be a later step than the one just used.
  t.clock.advance(30_000);
  return { secret, recoveryCodes };
}

/** Signs in with the password and expects the second-factor step; answers its cookie. */
export async function passwordStep(t: TestServer, m: Merchant): Promise<string> {
  const res = await call(t, 'POST', '/api/auth/sign-in', {
    body: { email: m.email, password: m.password }
  });
  expect(res.status).toBe(202);
  expect(sessionCookieOf(t, res)).toBeNull();
  const cookie = pendingCookieOf(res);
  expect(cookie).not.toBeNull();
  return cookie!;
}

/** Registers a software passkey for `m` (a fresh sign-in, so no re-authentication is needed). */
export async function addPasskey(t: TestServer, m: Merchant, name = 'Laptop') {
  const passkey = new SoftPasskey(t.services.config.publicOrigin);
  const opts = await call(t, 'POST', '/api/passkeys/registration-options', { cookie: m.cookie });
  expect(opts.status).toBe(200);
  const { options } = (await opts.json()) as {
    options: { challenge: string; user: { id: string } };
  };
  const res = await call(t, 'POST', '/api/passkeys', {
    cookie: m.cookie,
    body: { name, response: passkey.create(options) }
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { passkey: info } = (await res.json()) as { passkey: { id: string } };
  return { passkey, id: info.id };
}

/** A fresh assertion challenge answered by `passkey`. */
export async function assertion(
  t: TestServer,
  passkey: SoftPasskey,
  opts?: Parameters<SoftPasskey['get']>[1]
) {
  const res = await call(t, 'POST', '/api/passkeys/assertion-options');
  expect(res.status).toBe(200);
  const { options } = (await res.json()) as { options: { challenge: string } };
  return passkey.get(options, opts);
}
