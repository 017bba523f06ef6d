import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { generateKeys, createTestApp } from './helpers/payments';
import { call, createMerchant, sessionCookieOf, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const A = '203.0.113.66';
const B = '198.51.100.7';
const MIN = 60 * 1000;

/**
 * The attack issue 14 names: a stranger fails a thousand times from one address. The merchant,
 * from another address, must still sign in, re-authenticate and disable a key, at once.
 * Default limits, and `trustProxy` as a deployment behind a proxy reads the address.
 */
describeEachDialect('a stranger cannot lock a merchant out', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ trustProxy: true }) });
  });
  afterAll(() => t.close());

  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip }, ip: '10.0.0.1' });

  it('1,000 failures from address A leave the merchant at address B untouched', async () => {
    const m = await createMerchant(t);
    const appId = await createTestApp(t, m);
    const pair = await generateKeys(t, m, appId);
    // Another process on the same database, as the attacker's requests may land anywhere.
    const other = { ...t, app: createApp(t.services) };

    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const res = await call(i % 2 ? t : other, 'POST', '/api/auth/sign-in', {
        body: { email: m.email, password: `guess number ${i}` },
        ...from(A)
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      // The stranger keeps at it for hours; the clock moves a minute every ten guesses.
      if (i % 10 === 9) t.clock.advance(MIN);
    }
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    // At A even the right password waits now: the guesser must not learn which one it was.
    const stranger = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password },
      ...from(A)
    });
    expect(stranger.status).toBe(429);

    const signIn = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password },
      ...from(B)
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookieOf(t, signIn)!;

    // Eleven minutes later a key action needs the password again: it is not delayed either.
    t.clock.advance(11 * MIN);
    const disable = () =>
      call(t, 'POST', `/api/apps/${appId}/keys/${pair.keyId}/disable`, { cookie, ...from(B) });
    expect((await disable()).status).toBe(401);
    const reauth = await call(t, 'POST', '/api/auth/reauthenticate', {
      cookie,
      body: { password: m.password },
      ...from(B)
    });
    expect(reauth.status).toBe(200);
    const disabled = await disable();
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { key: { status: string } }).key.status).toBe('disabled');
  });
});
