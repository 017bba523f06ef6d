import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/lib/tokens';
import { passwordResetStore } from '../src/store/password-resets';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../src/store/sessions';
import {
  call,
  createMerchant,
  expectError,
  runProtectedRouteCases,
  sessionCookieOf,
  signUpVerified,
  snapshot,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const PASSWORD = 'heron at the harbour wall';
const DAY = 24 * 60 * 60 * 1000;

describeEachDialect('accounts: sessions and cookies', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  const signUp = async (email: string) => {
    const res = await signUpVerified(t, { body: { name: 'Merchant', email, password: PASSWORD } });
    expect(res.status).toBe(200);
    return res;
  };
  const signIn = (email: string) =>
    call(t, 'POST', '/api/auth/sign-in', { body: { email, password: PASSWORD } });
  const sessionStatus = async (cookie: string) =>
    (await call(t, 'GET', '/api/auth/session', { cookie })).status;

  it('stores only the SHA-256 of the session token, never the token', async () => {
    const res = await signUp('hash-only@example.com');
    const token = sessionCookieOf(t, res)!.split('=')[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    const dump = JSON.stringify(await snapshot(t));
    expect(dump).not.toContain(token);
    expect(dump).toContain(hashToken(token));
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie living until the absolute expiry', async () => {
    const res = await signIn('hash-only@example.com');
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^kspay_session=[A-Za-z0-9_-]{43};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Lax');
    expect(set).toContain('Path=/');
    expect(set).toContain(`Max-Age=${SESSION_ABSOLUTE_MS / 1000}`);
    expect(set).not.toContain('Domain');
  });

  it('ends a session after 7 idle days, and keeps it alive while it is used', async () => {
    const res = await signUp('idle@example.com');
    const cookie = sessionCookieOf(t, res)!;
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    expect(await sessionStatus(cookie)).toBe(200); // used: the idle expiry slides
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    expect(await sessionStatus(cookie)).toBe(200);
    t.clock.advance(SESSION_IDLE_MS + 1);
    await expectError(await call(t, 'GET', '/api/auth/session', { cookie }), 401, 'unauthorized');
  });

  it('ends a session 30 days after sign-in however often it is used', async () => {
    const res = await signUp('absolute@example.com');
    const cookie = sessionCookieOf(t, res)!;
    for (let day = 0; day < 29; day++) {
      t.clock.advance(DAY);
      expect(await sessionStatus(cookie)).toBe(200);
    }
    t.clock.advance(DAY);
    expect(await sessionStatus(cookie)).toBe(401);
  });

  it('revokes the session in the database on sign-out', async () => {
    const res = await signUp('signout@example.com');
    const cookie = sessionCookieOf(t, res)!;
    const tokenHash = hashToken(cookie.split('=')[1]!);
    const other = sessionCookieOf(t, await signIn('signout@example.com'))!;
    expect((await call(t, 'POST', '/api/auth/sign-out', { cookie })).status).toBe(204);
    const row = await t.services.db.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    expect(await sessionStatus(cookie)).toBe(401);
    expect(await sessionStatus(other)).toBe(200); // only that browser is signed out
  });

  it('signs every other session out when the password is reset', async () => {
    const m = await createMerchant(t);
    const { token } = await passwordResetStore(t.services.db, t.clock).create(m.id);
    const res = await call(t, 'POST', '/api/auth/reset-password', {
      body: { token, password: PASSWORD }
    });
    expect(res.status).toBe(200);
    expect(await sessionStatus(m.cookie)).toBe(401);
    const fresh = sessionCookieOf(t, res)!;
    expect(await sessionStatus(fresh)).toBe(200);
    const rows = await t.services.db.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', m.id)
      .execute();
    expect(rows.map((r) => r.token_hash)).toEqual([hashToken(fresh.split('=')[1]!)]);
  });

  it('sends the reset mail without the name the account chose (nobody verified that address)', async () => {
    // Anyone can sign up with someone else's address: a name such as this one must not reach
    // that person's inbox from our mail server.
    const name = 'Urgent: your account is frozen, call +1 555 0100';
    const m = await createMerchant(t, { name, email: 'lure@example.com' });
    await call(t, 'POST', '/api/auth/forgot-password', { body: { email: m.email } });
    await expect.poll(() => t.mailer.sent.filter((x) => x.to === m.email).length).toBe(1);
    const mail = t.mailer.sent.find((x) => x.to === m.email)!;
    expect(mail.text).not.toContain('Urgent');
    expect(mail.text.startsWith('Hello,\n')).toBe(true);
    expect(mail.subject).not.toContain('Urgent');
  });

  it('ignores a session cookie set before sign-in (no session fixation)', async () => {
    const planted = `kspay_session=${'B'.repeat(43)}`;
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      cookie: planted,
      body: { email: 'idle@example.com', password: PASSWORD }
    });
    expect(res.status).toBe(200);
    expect(sessionCookieOf(t, res)).not.toBe(planted);
    expect(await sessionStatus(planted)).toBe(401);
  });

  describe('guards on every accounts route', () => {
    runProtectedRouteCases(
      () => t,
      [
        { method: 'GET', path: '/api/auth/session' },
        { method: 'POST', path: '/api/auth/reauthenticate', body: { password: PASSWORD } },
        { method: 'POST', path: '/api/auth/sign-out', public: true },
        {
          method: 'POST',
          path: '/api/auth/sign-up',
          public: true,
          body: { name: 'Guarded', email: 'guarded@example.com', password: PASSWORD }
        },
        {
          method: 'POST',
          path: '/api/auth/sign-in',
          public: true,
          body: { email: 'idle@example.com', password: PASSWORD }
        },
        {
          method: 'POST',
          path: '/api/auth/forgot-password',
          public: true,
          body: { email: 'idle@example.com' }
        },
        {
          method: 'POST',
          path: '/api/auth/reset-password',
          public: true,
          body: { token: 'C'.repeat(43), password: PASSWORD }
        },
        {
          method: 'POST',
          path: '/api/auth/verify-email',
          public: true,
          body: { token: 'D'.repeat(43) }
        },
        { method: 'POST', path: '/api/auth/verify-email/resend' }
      ]
    );
  });
});

describeEachDialect('accounts: https deployment', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    const origin = 'https://portal.kspay.example';
    t = await testServer(dialect, {
      config: testConfig({ publicOrigin: origin, allowedOrigins: [origin] })
    });
  });
  afterAll(() => t.close());

  it('uses a __Host- cookie with Secure', async () => {
    const res = await signUpVerified(t, {
      headers: { origin: 'https://portal.kspay.example' },
      body: { name: 'Secure', email: 'secure@example.com', password: PASSWORD }
    });
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^__Host-kspay_session=[A-Za-z0-9_-]{43};/);
    expect(set).toContain('Secure');
    expect(set).toContain('HttpOnly');
    const cookie = sessionCookieOf(t, res)!;
    expect((await call(t, 'GET', '/api/auth/session', { cookie })).status).toBe(200);
    // The same token under the plain name is not a session on https.
    const plain = cookie.replace('__Host-', '');
    expect((await call(t, 'GET', '/api/auth/session', { cookie: plain })).status).toBe(401);
  });
});
