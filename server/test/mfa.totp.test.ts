import { sessionInfoSchema } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFor, enableTotp, passwordStep } from './helpers/mfa';
import {
  call,
  createMerchant,
  expectError,
  sessionCookieOf,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const STEP = 30_000;

describeEachDialect('two-factor sign-in with an authenticator app', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  const secondFactor = (cookie: string, body: unknown) =>
    call(t, 'POST', '/api/auth/second-factor', { cookie, body });

  it('answers the secret only to set-up, stores it sealed, and never logs it', async () => {
    const m = await createMerchant(t);
    const setup = await call(t, 'POST', '/api/mfa/totp/setup', { cookie: m.cookie });
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    const { secret, uri } = (await setup.json()) as { secret: string; uri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toMatch(/^otpauth:\/\/totp\/KS%20Pay:/);

    const status = await call(t, 'GET', '/api/mfa', { cookie: m.cookie });
    expect(await status.json()).toEqual({ totp: false, recoveryCodesLeft: 0, passkeys: 0 });
    const rows = await t.services.db.db.selectFrom('totp_factors').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(t.logs.join('')).not.toContain(secret);

    // A wrong first code leaves two-factor sign-in off.
    await expectError(
      await call(t, 'POST', '/api/mfa/totp/confirm', {
        cookie: m.cookie,
        body: { code: '000000' }
      }),
      401,
      'invalid_credentials'
    );
    const confirmed = await call(t, 'POST', '/api/mfa/totp/confirm', {
      cookie: m.cookie,
      body: { code: codeFor(t, secret) }
    });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const stored = JSON.stringify(
      await t.services.db.db.selectFrom('recovery_codes').selectAll().execute()
    );
    for (const c of recoveryCodes) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(c.replace(/-/g, ''));
    }
    expect(t.logs.join('')).not.toContain(recoveryCodes[0]);
    const after = await call(t, 'GET', '/api/mfa', { cookie: m.cookie });
    expect(await after.json()).toEqual({ totp: true, recoveryCodesLeft: 10, passkeys: 0 });
    // Set-up cannot silently replace a factor that is on.
    await expectError(
      await call(t, 'POST', '/api/mfa/totp/setup', { cookie: m.cookie }),
      409,
      'conflict'
    );
  });

  it('a correct password makes no session; only a correct code does', async () => {
    const m = await createMerchant(t);
    const { secret } = await enableTotp(t, m);
    const pending = await passwordStep(t, m);
    const step = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password }
    });
    expect(await step.json()).toEqual({ secondFactor: { methods: ['totp', 'recovery'] } });
    // The pending cookie is not a session anywhere.
    await expectError(await call(t, 'GET', '/api/auth/session', { cookie: pending }), 401);
    await expectError(await call(t, 'GET', '/api/account', { cookie: pending }), 401);
    // No pending step, no way in, even with the right code.
    await expectError(
      await call(t, 'POST', '/api/auth/second-factor', { body: { code: codeFor(t, secret) } }),
      401,
      'unauthorized'
    );
    await expectError(await secondFactor(pending, { code: '123456' }), 401, 'invalid_credentials');
    const ok = await secondFactor(pending, { code: codeFor(t, secret) });
    expect(ok.status).toBe(200);
    expect(sessionInfoSchema.parse(await ok.json()).user.id).toBe(m.id);
    const session = sessionCookieOf(t, ok)!;
    expect((await call(t, 'GET', '/api/auth/session', { cookie: session })).status).toBe(200);
    // The pending step is used up.
    t.clock.advance(STEP);
    await expectError(
      await secondFactor(pending, { code: codeFor(t, secret) }),
      401,
      'unauthorized'
    );
  });

  it('accepts one step either side, refuses two, and accepts each code once', async () => {
    const m = await createMerchant(t);
    const { secret } = await enableTotp(t, m);
    // Two steps past the code that confirmed set-up, so `now - STEP` was never used.
    t.clock.advance(2 * STEP);
    const now = t.clock.now().getTime();
    const pending = await passwordStep(t, m);
    await expectError(
      await secondFactor(pending, { code: codeFor(t, secret, now - 2 * STEP) }),
      401,
      'invalid_credentials'
    );
    await expectError(
      await secondFactor(pending, { code: codeFor(t, secret, now + 2 * STEP) }),
      401,
      'invalid_credentials'
    );
    const previous = codeFor(t, secret, now - STEP);
    expect((await secondFactor(pending, { code: previous })).status).toBe(200);
    // Replay of the same code, on a new pending step: refused.
    const again = await passwordStep(t, m);
    await expectError(await secondFactor(again, { code: previous }), 401, 'invalid_credentials');
    expect((await secondFactor(again, { code: codeFor(t, secret, now + STEP) })).status).toBe(200);
    // A code older than the last one used is refused too.
    const third = await passwordStep(t, m);
    await expectError(
      await secondFactor(third, { code: codeFor(t, secret, now) }),
      401,
      'invalid_credentials'
    );
  });

  it('a recovery code signs in once', async () => {
    const m = await createMerchant(t);
    const { recoveryCodes } = await enableTotp(t, m);
    const code = recoveryCodes[3]!;
    const first = await passwordStep(t, m);
    expect((await secondFactor(first, { recoveryCode: code.toUpperCase() })).status).toBe(200);
    const second = await passwordStep(t, m);
    await expectError(
      await secondFactor(second, { recoveryCode: code }),
      401,
      'invalid_credentials'
    );
    const status = await call(t, 'GET', '/api/mfa', { cookie: m.cookie });
    expect(((await status.json()) as { recoveryCodesLeft: number }).recoveryCodesLeft).toBe(9);
  });

  it('wrong codes are limited per account: the sixth answers 429', async () => {
    const m = await createMerchant(t);
    const { secret } = await enableTotp(t, m);
    const pending = await passwordStep(t, m);
    for (let i = 0; i < 5; i++) {
      await expectError(
        await secondFactor(pending, { code: '000000' }),
        401,
        'invalid_credentials'
      );
    }
    const limited = await secondFactor(pending, { code: codeFor(t, secret) });
    await expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('turning it off needs a current code', async () => {
    const m = await createMerchant(t);
    const { secret } = await enableTotp(t, m);
    await expectError(
      await call(t, 'POST', '/api/mfa/totp/disable', { cookie: m.cookie, body: {} }),
      400,
      'validation_failed'
    );
    await expectError(
      await call(t, 'POST', '/api/mfa/totp/disable', {
        cookie: m.cookie,
        body: { code: '111111' }
      }),
      401,
      'invalid_credentials'
    );
    expect(
      ((await (await call(t, 'GET', '/api/mfa', { cookie: m.cookie })).json()) as { totp: boolean })
        .totp
    ).toBe(true);
    const off = await call(t, 'POST', '/api/mfa/totp/disable', {
      cookie: m.cookie,
      body: { code: codeFor(t, secret) }
    });
    expect(off.status).toBe(204);
    const plain = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password }
    });
    expect(plain.status).toBe(200);
    expect(
      await t.services.db.db
        .selectFrom('recovery_codes')
        .where('user_id', '=', m.id)
        .selectAll()
        .execute()
    ).toEqual([]);
  });

  it('set-up needs a recent sign-in; re-authentication accepts a current code', async () => {
    const m = await createMerchant(t);
    const { secret } = await enableTotp(t, m);
    t.clock.advance(11 * 60 * 1000);
    const other = await createMerchant(t);
    t.clock.advance(11 * 60 * 1000);
    await expectError(
      await call(t, 'POST', '/api/mfa/totp/setup', { cookie: other.cookie }),
      401,
      'reauthentication_required'
    );
    await expectError(
      await call(t, 'POST', '/api/auth/reauthenticate', {
        cookie: m.cookie,
        body: { code: '000000' }
      }),
      401,
      'invalid_credentials'
    );
    const re = await call(t, 'POST', '/api/auth/reauthenticate', {
      cookie: m.cookie,
      body: { code: codeFor(t, secret) }
    });
    expect(re.status).toBe(200);
    expect(sessionInfoSchema.parse(await re.json()).authenticatedAt).toBe(
      t.clock.now().toISOString()
    );
  });
});

describe('the pending sign-in cookie', () => {
  it('is HttpOnly, SameSite=Strict and short-lived', async () => {
    const t = await testServer('sqlite');
    try {
      const m = await createMerchant(t);
      await enableTotp(t, m);
      const res = await call(t, 'POST', '/api/auth/sign-in', {
        body: { email: m.email, password: m.password }
      });
      const set = res.headers.getSetCookie().find((c) => c.startsWith('kspay_pending='))!;
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(set).toMatch(/Max-Age=300/);
    } finally {
      await t.close();
    }
  });
});
