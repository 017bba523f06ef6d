import { SYNC_SCHEMA_VERSION, sessionInfoSchema, signUpResponseSchema } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { create, newAppId, newClientId } from './helpers/apps';
import {
  call,
  createMerchant,
  expectError,
  sessionCookieOf,
  verificationToken,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const PASSWORD = 'a walk by the Neckar river';
const HOUR = 60 * 60 * 1000;

describeEachDialect('email verification', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  let n = 0;
  const freshEmail = () => `verify-${++n}-${dialect}@example.com`;
  const signUp = (email: string) =>
    call(t, 'POST', '/api/auth/sign-up', { body: { name: 'Asha', email, password: PASSWORD } });
  const verify = (token: string | null) =>
    call(t, 'POST', '/api/auth/verify-email', { body: { token } });

  it('signs up without signing in, mails the link, and the link verifies and signs in', async () => {
    const email = freshEmail();
    const up = await signUp(email);
    expect(up.status).toBe(202);
    expect(signUpResponseSchema.parse(await up.json()).email).toBe(email);
    expect(sessionCookieOf(t, up)).toBeNull();

    const mail = t.mailer.sent.filter((m) => m.to === email);
    expect(mail.map((m) => m.subject)).toEqual(['Verify your email']);
    expect(mail[0]?.text).toContain(`${t.services.config.publicOrigin}/verify-email#token=`);
    const token = verificationToken(t, email);
    const rows = await t.services.db.db
      .selectFrom('email_verifications')
      .select('token_hash')
      .execute();
    expect(JSON.stringify(rows)).not.toContain(token!);

    const res = await verify(token);
    expect(res.status).toBe(200);
    const info = sessionInfoSchema.parse(await res.json());
    expect(info).toMatchObject({ user: { email }, emailVerified: true });
    const cookie = sessionCookieOf(t, res);
    const me = await call(t, 'GET', '/api/auth/session', { cookie: cookie! });
    expect(sessionInfoSchema.parse(await me.json()).emailVerified).toBe(true);
  });

  it('uses a link once: a second use, even racing the first, is refused', async () => {
    const email = freshEmail();
    await signUp(email);
    const token = verificationToken(t, email);
    const both = await Promise.all([verify(token), verify(token)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 410]);
    await expectError(await verify(token), 410, 'invalid_verification_token');
  });

  it('refuses an expired link, and one never issued', async () => {
    const email = freshEmail();
    await signUp(email);
    const token = verificationToken(t, email);
    t.clock.advance(24 * HOUR + 1000);
    await expectError(await verify(token), 410, 'invalid_verification_token');
    await expectError(await verify('A'.repeat(43)), 410, 'invalid_verification_token');
    await expectError(await verify('not a token'), 400, 'validation_failed');
  });

  it('lets an unverified account sign in and register apps, but not generate keys', async () => {
    const email = freshEmail();
    await signUp(email);
    const signIn = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email, password: PASSWORD }
    });
    expect(signIn.status).toBe(200);
    expect(sessionInfoSchema.parse(await signIn.json()).emailVerified).toBe(false);
    const cookie = sessionCookieOf(t, signIn)!;
    const appId = newAppId();
    const own = await call(t, 'GET', '/api/businesses', { cookie });
    const { businesses } = (await own.json()) as { businesses: { id: string }[] };
    const pushed = await call(t, 'POST', '/api/sync/push', {
      cookie,
      body: {
        businessId: businesses[0]?.id,
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [create(1, appId)]
      }
    });
    expect(pushed.status).toBe(200);
    expect((await call(t, 'GET', `/api/apps/${appId}/keys`, { cookie })).status).toBe(200);

    const refused = await call(t, 'POST', `/api/apps/${appId}/keys`, { cookie });
    const body = await expectError(refused, 403, 'email_unverified');
    expect(body?.error.message).toBe('Verify your email to generate API keys');
    expect(
      await t.services.db.db
        .selectFrom('api_keys')
        .selectAll()
        .where('app_id', '=', appId)
        .execute()
    ).toEqual([]);

    // Opening the link (on any device) lifts the refusal for the session already signed in.
    expect((await verify(verificationToken(t, email))).status).toBe(200);
    expect((await call(t, 'POST', `/api/apps/${appId}/keys`, { cookie })).status).toBe(201);
  });

  it('resends the link to an unverified account at most 3 times an hour', async () => {
    const m = await createMerchant(t, { unverified: true });
    const resend = () => call(t, 'POST', '/api/auth/verify-email/resend', { cookie: m.cookie });
    for (let i = 0; i < 3; i++) expect((await resend()).status).toBe(202);
    const res = await resend();
    await expectError(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const sent = t.mailer.sent.filter((x) => x.to === m.email);
    expect(sent).toHaveLength(3);

    // Every link sent works until one is used; the newest is as good as the first.
    expect((await verify(verificationToken(t, m.email))).status).toBe(200);
    t.clock.advance(HOUR);
    await expectError(await resend(), 409, 'conflict');
  });

  it('needs a session to resend', async () => {
    await expectError(await call(t, 'POST', '/api/auth/verify-email/resend'), 401, 'unauthorized');
  });
});
