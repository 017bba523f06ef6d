import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, loadConfig } from '../src/config';
import { verifyPassword } from '../src/lib/password';
import { call, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

describe('production defaults', () => {
  it('hash passwords with scrypt N=2^17, r=8, p=1 unless configured otherwise', () => {
    expect(loadConfig({}).passwordHashing).toEqual({ ln: 17, r: 8, p: 1 });
    expect(loadConfig({ PASSWORD_HASH_LN: '14' }).passwordHashing).toEqual({ ln: 14, r: 8, p: 1 });
  });

  it('limit sign-in to 5 failures per account and 30 attempts per IP in 15 minutes', () => {
    const { rateLimits } = loadConfig({});
    expect(rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(rateLimits.signInAccount).toEqual({ max: 5, windowMs: 15 * 60 * 1000 });
    expect(rateLimits.signInIp).toEqual({ max: 30, windowMs: 15 * 60 * 1000 });
  });

  it('read limits from the environment and refuse nonsense', () => {
    const c = loadConfig({
      RATE_LIMIT_SIGNIN_ACCOUNT: '2',
      RATE_LIMIT_SIGNIN_ACCOUNT_WINDOW_SECONDS: '60',
      RATE_LIMIT_FORGOT_PASSWORD_IP: '7'
    });
    expect(c.rateLimits.signInAccount).toEqual({ max: 2, windowMs: 60_000 });
    expect(c.rateLimits.forgotPasswordIp.max).toBe(7);
    expect(c.rateLimits.signInIp).toEqual(DEFAULT_RATE_LIMITS.signInIp);
    expect(() => loadConfig({ RATE_LIMIT_SIGNIN_IP: 'lots' })).toThrow(/RATE_LIMIT_SIGNIN_IP/);
    expect(() => loadConfig({ PASSWORD_HASH_LN: '0' })).toThrow(/PASSWORD_HASH_LN/);
  });
});

describeEachDialect('a sign-up with the production cost', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    const { passwordHashing } = loadConfig({});
    t = await testServer(dialect, { config: testConfig({ passwordHashing }) });
  });
  afterAll(() => t.close());

  it('stores a hash that carries ln=17, r=8, p=1 and verifies', async () => {
    const password = 'slow hashes for real accounts';
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { name: 'Prod', email: 'prod@example.com', password }
    });
    expect(res.status).toBe(202);
    const { password_hash } = await t.services.db.db
      .selectFrom('users')
      .select('password_hash')
      .executeTakeFirstOrThrow();
    expect(password_hash).toMatch(
      /^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/
    );
    expect(await verifyPassword(password, password_hash)).toBe(true);
  });
});
