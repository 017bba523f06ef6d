import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../src/lib/tokens';
import { FORGOT_PASSWORD_MESSAGE } from '../src/console/password-reset';
import { passwordResetStore, RESET_TTL_MS } from '../src/store/password-resets';
import { EmailTakenError, userStore } from '../src/store/users';
import {
  call,
  createMerchant,
  expectError,
  sessionCookieOf,
  snapshot,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const GOOD = 'fern moss and granite';
const COMMON_MESSAGE = 'This password is too common. Choose one that is harder to guess';

describeEachDialect('accounts: refusals a merchant sees', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  const signUp = (body: Record<string, unknown>) => call(t, 'POST', '/api/auth/sign-up', { body });
  const countUsers = async () =>
    (await t.services.db.db.selectFrom('users').select('id').execute()).length;

  it('creates nothing for an email that already has an account, in any letter case', async () => {
    await createMerchant(t, { email: 'taken@example.com' });
    const before = await snapshot(t, ['rate_limits']);
    const res = await signUp({ name: 'X', email: 'Taken@Example.com', password: GOOD });
    expect(res.status).toBe(202);
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
  });

  it('lets exactly one of racing sign-ups with one email create the account, answering all alike', async () => {
    const body = { name: 'Racer', email: 'race@example.com', password: GOOD };
    const results = await Promise.all([signUp(body), signUp(body), signUp(body)]);
    expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
    const rows = await t.services.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'race@example.com')
      .execute();
    expect(rows).toHaveLength(1);
    const subjects = t.mailer.sent.filter((m) => m.to === 'race@example.com').map((m) => m.subject);
    expect(subjects.sort()).toEqual([
      'Someone tried to create an account with your email',
      'Someone tried to create an account with your email',
      'Verify your email'
    ]);
  });

  it('refuses control characters in the name with a field error, storing nothing', async () => {
    for (const name of ['Ann\u0000', 'Ann\nBob', 'A\tB', 'Ann\u007f', 'Ann\u009bBob', 'A\rB']) {
      const n = await countUsers();
      const res = await signUp({ name, email: 'control@example.com', password: GOOD });
      const body = await expectError(res, 400, 'validation_failed');
      expect(body?.error.fields, JSON.stringify(name)).toEqual({
        name: 'Keep your name on one line, without tabs or control characters'
      });
      expect(await countUsers()).toBe(n);
    }
  });

  it('refuses common passwords with the exact field message, as typed or capitalised', async () => {
    for (const password of ['password1', 'Password1', 'qwertyuiop', '12345678']) {
      const n = await countUsers();
      const res = await signUp({ name: 'C', email: 'common@example.com', password });
      const body = await expectError(res, 400, 'validation_failed');
      expect(body?.error.fields).toEqual({ password: COMMON_MESSAGE });
      expect(await countUsers()).toBe(n);
    }
  });

  it('refuses passwords under 8 or over 128 code points, without truncating', async () => {
    const short = await signUp({ name: 'S', email: 's@example.com', password: '🔑'.repeat(7) });
    expect((await expectError(short, 400, 'validation_failed'))?.error.fields?.password).toBe(
      'Use at least 8 characters'
    );
    const long = await signUp({ name: 'L', email: 'l@example.com', password: 'x'.repeat(129) });
    expect((await expectError(long, 400, 'validation_failed'))?.error.fields?.password).toBe(
      'Use at most 128 characters'
    );
    // 128 characters are all significant: the first 127 alone are a different password.
    const full = `${'abcdefgh'.repeat(15)}ijklmnop`;
    expect((await signUp({ name: 'F', email: 'f@example.com', password: full })).status).toBe(202);
    const signIn = (password: string) =>
      call(t, 'POST', '/api/auth/sign-in', { body: { email: 'f@example.com', password } });
    await expectError(await signIn(full.slice(0, 127)), 401, 'invalid_credentials');
    expect((await signIn(full)).status).toBe(200);
  });

  it('answers an unknown email and a wrong password with the same 401 body', async () => {
    const m = await createMerchant(t);
    const wrong = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: 'not the password' }
    });
    const unknown = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: 'nobody-here@example.com', password: 'not the password' }
    });
    const a = await expectError(wrong, 401, 'invalid_credentials');
    const b = await expectError(unknown, 401, 'invalid_credentials');
    expect(a).toEqual({
      error: { code: 'invalid_credentials', message: 'Incorrect email or password' }
    });
    expect(b).toEqual(a);
    expect(sessionCookieOf(t, wrong)).toBeNull();
  });

  it('answers forgot-password identically for unknown emails and sends nothing', async () => {
    const sent = t.mailer.sent.length;
    const res = await call(t, 'POST', '/api/auth/forgot-password', {
      body: { email: 'ghost@example.com' }
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: FORGOT_PASSWORD_MESSAGE });
    await new Promise((r) => setTimeout(r, 50));
    expect(t.mailer.sent.length).toBe(sent);
  });

  it('refuses a made-up, used or expired reset token with 410 and changes nothing', async () => {
    const m = await createMerchant(t);
    const resets = passwordResetStore(t.services.db, t.clock);
    const reset = (token: string, password = 'brand new passphrase') =>
      call(t, 'POST', '/api/auth/reset-password', { body: { token, password } });
    const message = 'This reset link has expired or was already used. Ask for a new one.';

    const before = await snapshot(t);
    const madeUp = await expectError(await reset('A'.repeat(43)), 410, 'invalid_reset_token');
    expect(madeUp?.error.message).toBe(message);
    expect(await snapshot(t)).toEqual(before);

    const { token } = await resets.create(m.id);
    expect((await reset(token)).status).toBe(200);
    await expectError(await reset(token, 'another new passphrase'), 410, 'invalid_reset_token');

    const { token: old } = await resets.create(m.id);
    t.clock.advance(RESET_TTL_MS);
    const beforeExpired = await snapshot(t);
    await expectError(await reset(old), 410, 'invalid_reset_token');
    expect(await snapshot(t)).toEqual(beforeExpired);
  });

  it('keeps the reset link usable when the new password is refused as common', async () => {
    const m = await createMerchant(t);
    const { token } = await passwordResetStore(t.services.db, t.clock).create(m.id);
    const common = await call(t, 'POST', '/api/auth/reset-password', {
      body: { token, password: 'password123' }
    });
    expect((await expectError(common, 400, 'validation_failed'))?.error.fields).toEqual({
      password: COMMON_MESSAGE
    });
    const row = await t.services.db.db
      .selectFrom('password_resets')
      .select('used_at')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
  });

  it('lets exactly one of two racing resets with the same token win', async () => {
    const m = await createMerchant(t);
    const { token } = await passwordResetStore(t.services.db, t.clock).create(m.id);
    const results = await Promise.all(
      ['first racing passphrase', 'second racing passphrase'].map((password) =>
        call(t, 'POST', '/api/auth/reset-password', { body: { token, password } })
      )
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
  });

  it('refuses re-authentication with a wrong password and keeps authenticatedAt', async () => {
    const m = await createMerchant(t);
    const before = await snapshot(t);
    const res = await call(t, 'POST', '/api/auth/reauthenticate', {
      cookie: m.cookie,
      body: { password: 'not it at all' }
    });
    await expectError(res, 401, 'invalid_credentials');
    const after = await snapshot(t);
    expect(after.sessions).toEqual(before.sessions);
  });

  it('answers a missing, malformed or oversized session cookie with 401, never 500', async () => {
    await expectError(await call(t, 'GET', '/api/auth/session'), 401, 'unauthorized');
    for (const cookie of [
      'kspay_session=%E0%A4%A',
      'kspay_session=',
      `kspay_session=${'x'.repeat(5000)}`,
      'kspay_session'
    ]) {
      await expectError(await call(t, 'GET', '/api/auth/session', { cookie }), 401, 'unauthorized');
    }
  });

  it('reports a duplicate email from the store itself, for sign-ups that race past the check', async () => {
    const users = userStore(t.services.db, t.clock);
    await users.create({ email: 'dup@example.com', name: 'A', passwordHash: 'x' });
    await expect(
      users.create({ email: 'dup@example.com', name: 'B', passwordHash: 'y' })
    ).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('names each failing field of a sign-up', async () => {
    const res = await signUp({ name: '', email: 'not-an-email', password: 42 });
    const body = await expectError(res, 400, 'validation_failed');
    expect(Object.keys(body?.error.fields ?? {}).sort()).toEqual(['email', 'name', 'password']);
  });
});
