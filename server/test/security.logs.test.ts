import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  sessionCookieOf,
  signUpVerified,
  verificationToken,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('logs keep secrets out', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  it('never logs a password, session, verification or reset token through sign-up, sign-in and reset', async () => {
    const email = 'logs@example.com';
    const password = 'pelican-over-the-pier-7';
    const newPassword = 'cormorant-on-a-post-9';
    const secrets: string[] = [password, newPassword];

    const up = await signUpVerified(t, { body: { name: 'Logs', email, password } });
    expect(up.status).toBe(200);
    secrets.push(verificationToken(t, email)!);
    secrets.push(sessionCookieOf(t, up)!.split('=')[1]!);
    // A second sign-up with the taken address logs nothing secret either.
    await call(t, 'POST', '/api/auth/sign-up', { body: { name: 'Again', email, password } });
    const wrong = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email, password: 'wrong-but-secret-guess' }
    });
    expect(wrong.status).toBe(401);
    secrets.push('wrong-but-secret-guess');
    const inRes = await call(t, 'POST', '/api/auth/sign-in', { body: { email, password } });
    const cookie = sessionCookieOf(t, inRes)!;
    secrets.push(cookie.split('=')[1]!);
    await call(t, 'POST', '/api/auth/reauthenticate', { cookie, body: { password } });

    await call(t, 'POST', '/api/auth/forgot-password', { body: { email } });
    const resets = () => t.mailer.sent.filter((m) => /Reset/.test(m.subject));
    await expect.poll(() => resets().length).toBe(1);
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(resets()[0]!.text)![1]!;
    secrets.push(token);
    const reset = await call(t, 'POST', '/api/auth/reset-password', {
      body: { token, password: newPassword }
    });
    expect(reset.status).toBe(200);
    secrets.push(sessionCookieOf(t, reset)!.split('=')[1]!);
    await call(t, 'POST', '/api/auth/sign-out', { cookie });

    const logs = t.logs.join('');
    expect(logs).toContain('"path":"/api/auth/reset-password"'); // the capture works
    expect(logs).toContain('signed in');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
