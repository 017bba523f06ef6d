import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { RateLimits } from '../src/config';
import { rateLimitSubject } from '../src/lib/client-ip';
import { call, createMerchant, expectError, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const MIN = 60 * 1000;
const limits: RateLimits = {
  signInAccount: { max: 3, windowMs: 15 * MIN },
  signInIp: { max: 6, windowMs: 15 * MIN },
  signUpIp: { max: 2, windowMs: 60 * MIN },
  forgotPasswordEmail: { max: 2, windowMs: 60 * MIN },
  forgotPasswordIp: { max: 4, windowMs: 60 * MIN },
  emailChange: { max: 2, windowMs: 60 * MIN },
  verificationResend: { max: 2, windowMs: 60 * MIN },
  inviteBusiness: { max: 2, windowMs: 60 * MIN },
  inviteLinkIp: { max: 2, windowMs: 15 * MIN }
};

describeEachDialect('rate limits on accounts endpoints', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ rateLimits: limits, trustProxy: true }) });
  });
  afterAll(() => t.close());

  let ipCounter = 0;
  /** Each test gets its own client address so per-IP counts do not leak between tests. */
  const freshIp = () => `198.51.100.${++ipCounter}`;
  const signIn = (email: string, password: string, ip: string) =>
    call(t, 'POST', '/api/auth/sign-in', { body: { email, password }, ip });

  it('makes one source wait longer after each failure, and never the owner elsewhere', async () => {
    const m = await createMerchant(t);
    const a = freshIp();
    for (let i = 0; i < 3; i++) {
      await expectError(await signIn(m.email, 'wrong guess', a), 401, 'invalid_credentials');
    }
    // Even the right password waits now: the guesser must not learn it was right.
    const res = await signIn(m.email, m.password, a);
    const body = await expectError(res, 429, 'rate_limited');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(body?.error.message).toBe('Too many attempts. Try again in 1 second.');

    t.clock.advance(1000);
    await expectError(await signIn(m.email, 'wrong again', a), 401, 'invalid_credentials');
    const longer = await signIn(m.email, m.password, a);
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');

    // The same account from another address has nothing to wait for.
    expect((await signIn(m.email, m.password, freshIp())).status).toBe(200);
    // Past the wait (and the per-address window of 6), the right password works from A too.
    t.clock.advance(15 * MIN);
    expect((await signIn(m.email, m.password, a)).status).toBe(200);
  });

  it('grows the wait as 2^(n - free) seconds up to the cap', async () => {
    const m = await createMerchant(t);
    const a = freshIp();
    const waits: number[] = [];
    for (let n = 1; n <= 16; n++) {
      // Each round: wait out the previous delay, fail once, read the next delay. The per-IP
      // window (6 per 15 minutes) is passed by moving past it every round.
      t.clock.advance(15 * MIN);
      expect((await signIn(m.email, 'wrong', a)).status).toBe(401);
      const res = await signIn(m.email, 'wrong', a);
      waits.push(res.status === 429 ? Number(res.headers.get('retry-after')) : 0);
    }
    expect(waits).toEqual([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900, 900]);
  });

  it('treats unknown emails like accounts, so a 429 does not reveal which exist', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      await expectError(await signIn('nobody@example.com', 'x', ip), 401, 'invalid_credentials');
    }
    await expectError(await signIn('nobody@example.com', 'x', ip), 429, 'rate_limited');
  });

  it('forgets failures after a successful sign-in', async () => {
    const m = await createMerchant(t);
    const ip = freshIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await signIn(m.email, 'nope', ip)).status).toBe(401);
      expect((await signIn(m.email, m.password, ip)).status).toBe(200);
      t.clock.advance(15 * MIN); // the per-IP window, which counts successes too
    }
  });

  it('counts re-authentication failures per session, apart from sign-in', async () => {
    const m = await createMerchant(t);
    const second = await createMerchant(t, { email: `second-${m.email}` });
    const reauth = (cookie: string, password: string) =>
      call(t, 'POST', '/api/auth/reauthenticate', { cookie, body: { password } });
    // Anonymous failures at the email do not touch a signed-in session's re-authentication.
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await signIn(m.email, 'stranger guess', ip);
    expect((await reauth(m.cookie, m.password)).status).toBe(200);

    for (let i = 0; i < 3; i++)
      await expectError(await reauth(m.cookie, 'no'), 401, 'invalid_credentials');
    await expectError(await reauth(m.cookie, m.password), 429, 'rate_limited');
    // Another account's session, and sign-in from elsewhere, are unaffected.
    expect((await reauth(second.cookie, second.password)).status).toBe(200);
    expect((await signIn(m.email, m.password, freshIp())).status).toBe(200);
  });

  it('limits sign-in attempts per IP across accounts, and per IP only', async () => {
    const ip = freshIp();
    for (let i = 0; i < 6; i++)
      expect((await signIn(`spray${i}@example.com`, 'x', ip)).status).toBe(401);
    const res = await signIn('spray-last@example.com', 'x', ip);
    await expectError(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn('spray-last@example.com', 'x', freshIp())).status).toBe(401);
  });

  it('bounds a burst of parallel guesses from one address by the per-address cap', async () => {
    const m = await createMerchant(t);
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => signIn(m.email, 'parallel guess', ip))
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('limits forgot-password per email and per IP with the same answer shape', async () => {
    const forgot = (email: string, ip: string) =>
      call(t, 'POST', '/api/auth/forgot-password', { body: { email }, ip });
    const m = await createMerchant(t);
    expect((await forgot(m.email, freshIp())).status).toBe(202);
    expect((await forgot(m.email, freshIp())).status).toBe(202);
    await expectError(await forgot(m.email, freshIp()), 429, 'rate_limited');

    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await forgot(`f${i}@example.com`, ip)).status).toBe(202);
    const res = await forgot('f-last@example.com', ip);
    await expectError(res, 429, 'rate_limited');
    expect(res.headers.get('retry-after')).toBe(String(60 * 60));
  });

  it('limits sign-ups per IP', async () => {
    const ip = freshIp();
    const signUp = (email: string) =>
      call(t, 'POST', '/api/auth/sign-up', {
        body: { name: 'Many', email, password: 'one of many accounts' },
        ip
      });
    expect((await signUp('many1@example.com')).status).toBe(202);
    expect((await signUp('many2@example.com')).status).toBe(202);
    await expectError(await signUp('many3@example.com'), 429, 'rate_limited');
    const users = await t.services.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'many3@example.com')
      .execute();
    expect(users).toEqual([]);
  });

  it('shares counts between server processes on one database', async () => {
    const other = { ...t, app: createApp(t.services) };
    const m = await createMerchant(t);
    const ip = freshIp();
    for (const server of [t, other, t]) {
      const res = await call(server, 'POST', '/api/auth/sign-in', {
        body: { email: m.email, password: 'wrong' },
        ip
      });
      expect(res.status).toBe(401);
    }
    const res = await call(other, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password },
      ip
    });
    await expectError(res, 429, 'rate_limited');
  });

  it('reads the client IP from the last X-Forwarded-For entry when behind a trusted proxy', async () => {
    let n = 0;
    const viaProxy = (xff: string) =>
      call(t, 'POST', '/api/auth/sign-in', {
        body: { email: `xff-${++n}@example.com`, password: 'x' },
        headers: { 'x-forwarded-for': xff },
        ip: '10.0.0.1'
      });
    // The forged first entry changes every time; the proxy-appended last one does not.
    for (let i = 0; i < 6; i++) {
      const res = await viaProxy(`203.0.113.${i}, 192.0.2.77`);
      expect(res.status).toBe(401);
    }
    await expectError(await viaProxy('203.0.113.99, 192.0.2.77'), 429, 'rate_limited');
  });
});

describeEachDialect('rate limits without a trusted proxy', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ rateLimits: limits }) });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For, so a client cannot rotate its address by header', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await call(t, 'POST', '/api/auth/sign-in', {
        body: { email: `rotate${i}@example.com`, password: 'x' },
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        ip: '192.0.2.10'
      });
      expect(res.status).toBe(401);
    }
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: 'rotate-last@example.com', password: 'x' },
      headers: { 'x-forwarded-for': '203.0.113.200' },
      ip: '192.0.2.10'
    });
    await expectError(res, 429, 'rate_limited');
  });
});

describe('rate-limit subject of a client address', () => {
  it('groups IPv6 by /64 and unwraps IPv4-mapped addresses', () => {
    expect(rateLimitSubject('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitSubject('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitSubject('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitSubject('192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitSubject(null)).toBe('unknown');
  });
});
