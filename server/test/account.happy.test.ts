import { accountSchema } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, createMerchant, type Merchant, type TestServer } from './helpers/payments';
import { call, expectError, sessionCookieOf, signUpVerified, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('account: the merchant time zone', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
  });
  afterAll(() => closeServer(t));

  const account = async (cookie: string) => {
    const res = await call(t, 'GET', '/api/account', { cookie });
    expect(res.status).toBe(200);
    return accountSchema.parse(await res.json());
  };

  it('is UTC for an account made without one, and changes to any IANA zone', async () => {
    expect((await account(m.cookie)).timeZone).toBe('UTC');
    const res = await call(t, 'PATCH', '/api/account', {
      cookie: m.cookie,
      body: { timeZone: 'Asia/Kathmandu' }
    });
    expect(res.status).toBe(200);
    expect(accountSchema.parse(await res.json())).toMatchObject({
      id: m.id,
      email: m.email,
      timeZone: 'Asia/Kathmandu'
    });
    expect((await account(m.cookie)).timeZone).toBe('Asia/Kathmandu');
  });

  it('takes the zone the browser sends at sign-up', async () => {
    const res = await signUpVerified(t, {
      body: {
        name: 'Kolkata Merchant',
        email: `kolkata-${dialect}@example.com`,
        password: 'a long new passphrase',
        timeZone: 'Asia/Kolkata'
      }
    });
    expect(res.status).toBe(200);
    const cookie = sessionCookieOf(t, res);
    expect((await account(cookie ?? '')).timeZone).toBe('Asia/Kolkata');
  });

  it('refuses a zone that is not an IANA name with 400 naming the field, and changes nothing', async () => {
    for (const timeZone of ['Mars/Olympus', '+05:30', 'asia/kolkata', '', 42]) {
      const before = await snapshot(t);
      const res = await call(t, 'PATCH', '/api/account', { cookie: m.cookie, body: { timeZone } });
      const body = await expectError(res, 400, 'validation_failed');
      expect(Object.keys(body?.error.fields ?? {})).toEqual(['timeZone']);
      expect(await snapshot(t)).toEqual(before);
    }
    const signUp = await call(t, 'POST', '/api/auth/sign-up', {
      body: {
        name: 'Bad Zone',
        email: `bad-zone-${dialect}@example.com`,
        password: 'a long new passphrase',
        timeZone: 'Nowhere/City'
      }
    });
    const body = await expectError(signUp, 400, 'validation_failed');
    expect(Object.keys(body?.error.fields ?? {})).toEqual(['timeZone']);
  });

  it('answers 401 without a session', async () => {
    await expectError(await call(t, 'GET', '/api/account'), 401, 'unauthorized');
    await expectError(
      await call(t, 'PATCH', '/api/account', { body: { timeZone: 'UTC' } }),
      401,
      'unauthorized'
    );
  });
});
