import { sessionInfoSchema } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FORGOT_PASSWORD_MESSAGE } from '../src/console/password-reset';
import { call, sessionCookieOf, signUpVerified, type TestServer } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const PASSWORD = 'a walk by the Neckar river';

describeEachDialect('accounts: the paths a merchant takes', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  it('signs up, sees the session, signs out, signs in again with a new token', async () => {
    const up = await signUpVerified(t, {
      body: { name: '  Asha Rao ', email: ' Asha@Example.COM ', password: PASSWORD }
    });
    expect(up.status).toBe(200);
    const info = sessionInfoSchema.parse(await up.json());
    expect(info.user).toMatchObject({ email: 'asha@example.com', name: 'Asha Rao' });
    expect(info.user.id).toMatch(/^us_[A-Za-z0-9]{9}$/);
    expect(info.authenticatedAt).toBe(t.clock.now().toISOString());
    const first = sessionCookieOf(t, up);
    expect(first).not.toBeNull();

    const me = await call(t, 'GET', '/api/auth/session', { cookie: first! });
    expect(me.status).toBe(200);
    expect(sessionInfoSchema.parse(await me.json()).user).toEqual(info.user);

    const out = await call(t, 'POST', '/api/auth/sign-out', { cookie: first! });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^kspay_session=;.*Max-Age=0/);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: first! })).status).toBe(401);

    const inRes = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: 'ASHA@example.com', password: PASSWORD }
    });
    expect(inRes.status).toBe(200);
    expect(sessionInfoSchema.parse(await inRes.json()).user).toEqual(info.user);
    const second = sessionCookieOf(t, inRes);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: second! })).status).toBe(200);
  });

  it('signs out idempotently, with or without a session', async () => {
    expect((await call(t, 'POST', '/api/auth/sign-out')).status).toBe(204);
    expect((await call(t, 'POST', '/api/auth/sign-out')).status).toBe(204);
  });

  it('re-authentication refreshes authenticatedAt', async () => {
    const up = await signUpVerified(t, {
      body: { name: 'Ravi', email: 'ravi@example.com', password: PASSWORD }
    });
    const cookie = sessionCookieOf(t, up)!;
    const signedInAt = t.clock.now().toISOString();
    t.clock.advance(11 * 60 * 1000);
    const re = await call(t, 'POST', '/api/auth/reauthenticate', {
      cookie,
      body: { password: PASSWORD }
    });
    expect(re.status).toBe(200);
    const info = sessionInfoSchema.parse(await re.json());
    expect(info.authenticatedAt).toBe(t.clock.now().toISOString());
    expect(info.authenticatedAt > signedInAt).toBe(true);
    const me = sessionInfoSchema.parse(
      await (await call(t, 'GET', '/api/auth/session', { cookie })).json()
    );
    expect(me.authenticatedAt).toBe(info.authenticatedAt);
  });

  it('resets a forgotten password through the emailed link and signs in', async () => {
    const email = 'meera@example.com';
    await signUpVerified(t, { body: { name: 'Meera', email, password: PASSWORD } });
    const resetMails = () => t.mailer.sent.filter((m) => m.to === email && /Reset/.test(m.subject));
    const res = await call(t, 'POST', '/api/auth/forgot-password', { body: { email } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: FORGOT_PASSWORD_MESSAGE });
    await expect.poll(() => resetMails().length).toBe(1);
    const mail = resetMails()[0]!;
    const link = /(\S+\/reset-password#token=)([A-Za-z0-9_-]{43})/.exec(mail.text);
    expect(link?.[1]).toBe(`${t.services.config.publicOrigin}/reset-password#token=`);

    const newPassword = 'kingfisher over still water';
    const reset = await call(t, 'POST', '/api/auth/reset-password', {
      body: { token: link![2], password: newPassword }
    });
    expect(reset.status).toBe(200);
    expect(sessionInfoSchema.parse(await reset.json()).user.email).toBe(email);
    const cookie = sessionCookieOf(t, reset)!;
    expect((await call(t, 'GET', '/api/auth/session', { cookie })).status).toBe(200);

    const signIn = (password: string) =>
      call(t, 'POST', '/api/auth/sign-in', { body: { email, password } });
    expect((await signIn(newPassword)).status).toBe(200);
    expect((await signIn(PASSWORD)).status).toBe(401);
  });

  it('accepts long passphrases and any characters, counted in code points', async () => {
    const password = '🔑'.repeat(128);
    const up = await call(t, 'POST', '/api/auth/sign-up', {
      body: { name: 'Emoji', email: 'emoji@example.com', password }
    });
    expect(up.status).toBe(202);
    const signIn = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: 'emoji@example.com', password }
    });
    expect(signIn.status).toBe(200);
  });
});
