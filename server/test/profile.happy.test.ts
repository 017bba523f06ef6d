import { accountSchema, activeSessionsSchema, EMAIL_CHANGE_INVALID } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_CHANGE_MESSAGE } from '../src/console/profile';
import { EMAIL_CHANGE_TTL_MS } from '../src/store/email-changes';
import { closeServer, createMerchant, type Merchant, type TestServer } from './helpers/payments';
import { call, expectError, sessionCookieOf, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** The Profile page's routes, on SQLite and PostgreSQL. */
describeEachDialect('profile: name, email change, password, sessions', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  const account = async (cookie: string) => {
    const res = await call(t, 'GET', '/api/account', { cookie });
    expect(res.status).toBe(200);
    return accountSchema.parse(await res.json());
  };
  /** Signs `m` in again from another browser and answers that session's cookie. */
  async function secondDevice(m: Merchant, userAgent = FIREFOX_WIN, ip = '198.51.100.7') {
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password },
      headers: { 'user-agent': userAgent },
      ip
    });
    expect(res.status).toBe(200);
    return sessionCookieOf(t, res) ?? '';
  }
  const tokenOf = (text: string) => /#token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? '';

  describe('name', () => {
    it('changes the name (trimmed) and shows it in the account and the session', async () => {
      const m = await createMerchant(t);
      const res = await call(t, 'PATCH', '/api/profile/name', {
        cookie: m.cookie,
        body: { name: '  Asha Rao  ' }
      });
      expect(res.status).toBe(200);
      expect(accountSchema.parse(await res.json()).name).toBe('Asha Rao');
      expect((await account(m.cookie)).name).toBe('Asha Rao');
      const session = await call(t, 'GET', '/api/auth/session', { cookie: m.cookie });
      expect(((await session.json()) as { user: { name: string } }).user.name).toBe('Asha Rao');
    });

    it('refuses control characters, an empty name and one over 100 characters, changing nothing', async () => {
      const m = await createMerchant(t);
      for (const name of ['Asha\nRao', 'Asha\u0000', '\u001b[31mred', '   ', 'x'.repeat(101)]) {
        const before = await snapshot(t);
        const res = await call(t, 'PATCH', '/api/profile/name', {
          cookie: m.cookie,
          body: { name }
        });
        const body = await expectError(res, 400, 'validation_failed');
        expect(body?.error.fields?.name).toBeTruthy();
        expect(await snapshot(t)).toEqual(before);
      }
    });
  });

  describe('change of email address', () => {
    it('mails a single-use link to the new address and a notice to the old; changes only when the link is opened', async () => {
      const m = await createMerchant(t);
      const next = `new-${Date.now()}@example.com`;
      const sent = t.mailer.sent.length;
      const res = await call(t, 'POST', '/api/profile/email', {
        cookie: m.cookie,
        body: { email: ` ${next.toUpperCase()} ` }
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ message: EMAIL_CHANGE_MESSAGE });
      await new Promise((r) => setTimeout(r, 10));
      const mails = t.mailer.sent.slice(sent);
      const link = mails.find((mail) => mail.to === next);
      const notice = mails.find((mail) => mail.to === m.email);
      expect(link?.text).toContain(`${t.services.config.publicOrigin}/confirm-email#token=`);
      expect(notice?.text).toContain(next);
      expect(notice?.text).not.toContain('#token=');
      // Neither mail pastes the account's self-chosen name.
      for (const mail of mails) expect(mail.text).not.toContain(m.name);
      const token = tokenOf(link?.text ?? '');
      // Only the hash is stored.
      const rows = await snapshot(t);
      expect(JSON.stringify(rows.email_changes)).not.toContain(token);
      expect((await account(m.cookie)).email).toBe(m.email);

      const confirm = await call(t, 'POST', '/api/profile/email/confirm', { body: { token } });
      expect(confirm.status).toBe(200);
      expect(await confirm.json()).toEqual({ email: next });
      expect((await account(m.cookie)).email).toBe(next);
      const signIn = await call(t, 'POST', '/api/auth/sign-in', {
        body: { email: next, password: m.password }
      });
      expect(signIn.status).toBe(200);

      const again = await call(t, 'POST', '/api/profile/email/confirm', { body: { token } });
      const body = await expectError(again, 410, 'invalid_email_change_token');
      expect(body?.error.message).toBe(EMAIL_CHANGE_INVALID);
    });

    it('answers an address that already has an account the same way, mails it nothing and changes nothing', async () => {
      const m = await createMerchant(t);
      const taken = await createMerchant(t);
      const sent = t.mailer.sent.length;
      const res = await call(t, 'POST', '/api/profile/email', {
        cookie: m.cookie,
        body: { email: taken.email }
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ message: EMAIL_CHANGE_MESSAGE });
      await new Promise((r) => setTimeout(r, 10));
      const mails = t.mailer.sent.slice(sent);
      expect(mails.map((mail) => mail.to)).toEqual([m.email]);
      const pending = await t.services.db.db
        .selectFrom('email_changes')
        .select('new_email')
        .where('user_id', '=', m.id)
        .execute();
      expect(pending).toEqual([]);
      expect((await account(m.cookie)).email).toBe(m.email);
    });

    it('refuses a link after 24 hours, and an older link once a newer one was asked for', async () => {
      const m = await createMerchant(t);
      const ask = async (email: string) => {
        const sent = t.mailer.sent.length;
        expect(
          (await call(t, 'POST', '/api/profile/email', { cookie: m.cookie, body: { email } }))
            .status
        ).toBe(202);
        await new Promise((r) => setTimeout(r, 10));
        return tokenOf(t.mailer.sent.slice(sent).find((mail) => mail.to === email)?.text ?? '');
      };
      const first = await ask(`first-${Date.now()}@example.com`);
      const second = await ask(`second-${Date.now()}@example.com`);
      await expectError(
        await call(t, 'POST', '/api/profile/email/confirm', { body: { token: first } }),
        410,
        'invalid_email_change_token'
      );
      t.clock.advance(EMAIL_CHANGE_TTL_MS + 1000);
      const before = await snapshot(t);
      await expectError(
        await call(t, 'POST', '/api/profile/email/confirm', { body: { token: second } }),
        410,
        'invalid_email_change_token'
      );
      expect(await snapshot(t)).toEqual(before);
    });

    it('confirms once when the same link is opened three times at once', async () => {
      const m = await createMerchant(t);
      const next = `twice-${Date.now()}@example.com`;
      const sent = t.mailer.sent.length;
      await call(t, 'POST', '/api/profile/email', { cookie: m.cookie, body: { email: next } });
      await new Promise((r) => setTimeout(r, 10));
      const token = tokenOf(t.mailer.sent.slice(sent).find((mail) => mail.to === next)?.text ?? '');
      const answers = await Promise.all(
        [1, 2, 3].map(() => call(t, 'POST', '/api/profile/email/confirm', { body: { token } }))
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 410, 410]);
      expect((await account(m.cookie)).email).toBe(next);
    });

    it('refuses the same address as now, and a link whose address was taken in the meantime', async () => {
      const m = await createMerchant(t);
      await expectError(
        await call(t, 'POST', '/api/profile/email', { cookie: m.cookie, body: { email: m.email } }),
        400,
        'validation_failed'
      );
      const next = `race-${Date.now()}@example.com`;
      const sent = t.mailer.sent.length;
      await call(t, 'POST', '/api/profile/email', { cookie: m.cookie, body: { email: next } });
      await new Promise((r) => setTimeout(r, 10));
      const token = tokenOf(t.mailer.sent.slice(sent).find((mail) => mail.to === next)?.text ?? '');
      await createMerchant(t, { email: next });
      await expectError(
        await call(t, 'POST', '/api/profile/email/confirm', { body: { token } }),
        409,
        'email_taken'
      );
      expect((await account(m.cookie)).email).toBe(m.email);
    });
  });

  describe('change password', () => {
    it('refuses a wrong current password and a common new one, changing nothing', async () => {
      const m = await createMerchant(t);
      const before = await snapshot(t, ['rate_limits']);
      const wrong = await call(t, 'POST', '/api/profile/password', {
        cookie: m.cookie,
        body: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' }
      });
      await expectError(wrong, 401, 'invalid_credentials');
      const common = await call(t, 'POST', '/api/profile/password', {
        cookie: m.cookie,
        body: { currentPassword: m.password, newPassword: 'password123' }
      });
      const body = await expectError(common, 400, 'validation_failed');
      expect(body?.error.fields?.newPassword).toBeTruthy();
      const short = await call(t, 'POST', '/api/profile/password', {
        cookie: m.cookie,
        body: { currentPassword: m.password, newPassword: 'short' }
      });
      await expectError(short, 400, 'validation_failed');
      expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    });

    it('signs out every other session and keeps this one; old reset links stop working', async () => {
      const m = await createMerchant(t);
      const other = await secondDevice(m);
      const third = await secondDevice(m, CHROME_MAC);
      await call(t, 'POST', '/api/auth/forgot-password', { body: { email: m.email } });
      const res = await call(t, 'POST', '/api/profile/password', {
        cookie: m.cookie,
        body: { currentPassword: m.password, newPassword: 'a brand new passphrase' }
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ signedOut: 2 });
      await new Promise((r) => setTimeout(r, 10));
      const told = t.mailer.sent.filter((mail) => mail.to === m.email).at(-1);
      expect(told?.subject).toBe('Your KS Pay password was changed');
      expect(told?.text).not.toContain(m.name);
      for (const cookie of [other, third]) {
        expect((await call(t, 'GET', '/api/auth/session', { cookie })).status).toBe(401);
      }
      expect((await call(t, 'GET', '/api/auth/session', { cookie: m.cookie })).status).toBe(200);
      const resets = await t.services.db.db
        .selectFrom('password_resets')
        .select('used_at')
        .where('user_id', '=', m.id)
        .execute();
      expect(resets.length).toBeGreaterThan(0);
      expect(resets.every((r) => r.used_at !== null)).toBe(true);
      const old = await call(t, 'POST', '/api/auth/sign-in', {
        body: { email: m.email, password: m.password }
      });
      expect(old.status).toBe(401);
    });
  });

  describe('active sessions', () => {
    it('lists each session with browser, IP and times, marks this device, and never shows a token', async () => {
      const m = await createMerchant(t);
      await secondDevice(m, CHROME_MAC, '203.0.113.5');
      const res = await call(t, 'GET', '/api/sessions', { cookie: m.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.clone().text();
      const { sessions } = activeSessionsSchema.parse(await res.json());
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      const chrome = sessions.find((s) => !s.current);
      expect(chrome).toMatchObject({ userAgent: CHROME_MAC, ip: '203.0.113.5' });
      expect(chrome?.id).toMatch(/^se_[A-Za-z0-9]{9}$/);
      const hashes = await t.services.db.db
        .selectFrom('sessions')
        .select('token_hash')
        .where('user_id', '=', m.id)
        .execute();
      for (const h of hashes) expect(text).not.toContain(h.token_hash);
      expect(text).not.toContain(m.token);
    });

    it('"Sign out" ends that session only; another account\'s session id answers 404', async () => {
      const m = await createMerchant(t);
      const stranger = await createMerchant(t);
      const other = await secondDevice(m);
      const list = activeSessionsSchema.parse(
        await (await call(t, 'GET', '/api/sessions', { cookie: m.cookie })).json()
      );
      const id = list.sessions.find((s) => !s.current)?.id ?? '';
      const before = await snapshot(t);
      await expectError(
        await call(t, 'DELETE', `/api/sessions/${id}`, { cookie: stranger.cookie }),
        404,
        'not_found'
      );
      expect(await snapshot(t)).toEqual(before);
      expect((await call(t, 'DELETE', `/api/sessions/${id}`, { cookie: m.cookie })).status).toBe(
        204
      );
      expect((await call(t, 'GET', '/api/auth/session', { cookie: other })).status).toBe(401);
      expect((await call(t, 'GET', '/api/auth/session', { cookie: m.cookie })).status).toBe(200);
      await expectError(
        await call(t, 'DELETE', `/api/sessions/${id}`, { cookie: m.cookie }),
        404,
        'not_found'
      );
    });

    it('"Sign out of all other sessions" keeps this one and touches no other account', async () => {
      const m = await createMerchant(t);
      const stranger = await createMerchant(t);
      const others = [await secondDevice(m), await secondDevice(m, CHROME_MAC)];
      const res = await call(t, 'POST', '/api/sessions/sign-out-others', { cookie: m.cookie });
      expect(await res.json()).toEqual({ signedOut: 2 });
      for (const cookie of others) {
        expect((await call(t, 'GET', '/api/auth/session', { cookie })).status).toBe(401);
      }
      for (const cookie of [m.cookie, stranger.cookie]) {
        expect((await call(t, 'GET', '/api/auth/session', { cookie })).status).toBe(200);
      }
    });

    it('writes last seen at most once a minute', async () => {
      const m = await createMerchant(t);
      const seen = async () =>
        activeSessionsSchema
          .parse(await (await call(t, 'GET', '/api/sessions', { cookie: m.cookie })).json())
          .sessions.find((s) => s.current)?.lastSeenAt;
      const first = await seen();
      t.clock.advance(30_000);
      expect(await seen()).toBe(first);
      t.clock.advance(31_000);
      expect(await seen()).toBe(t.clock.now().toISOString());
    });
  });
});
