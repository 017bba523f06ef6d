import { sessionInfoSchema } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addPasskey, assertion, enableTotp, passwordStep } from './helpers/mfa';
import {
  call,
  createMerchant,
  expectError,
  sessionCookieOf,
  type TestServer
} from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';
import { SoftPasskey } from './helpers/webauthn';

describeEachDialect('passkeys (a software authenticator)', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  const passkeySignIn = (response: unknown) =>
    call(t, 'POST', '/api/passkeys/sign-in', { body: { passkey: response } });

  it('adds a passkey, lists it, and signs in with it alone', async () => {
    const m = await createMerchant(t);
    const { passkey, id } = await addPasskey(t, m, 'Work laptop');
    const list = await call(t, 'GET', '/api/passkeys', { cookie: m.cookie });
    const { passkeys } = (await list.json()) as { passkeys: { id: string; name: string }[] };
    expect(passkeys).toEqual([
      expect.objectContaining({ id, name: 'Work laptop', lastUsedAt: null, backedUp: false })
    ]);

    const response = await assertion(t, passkey);
    const res = await passkeySignIn(response);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(sessionInfoSchema.parse(await res.json()).user.id).toBe(m.id);
    expect(sessionCookieOf(t, res)).not.toBeNull();
    const row = await t.services.db.db
      .selectFrom('passkeys')
      .select(['counter', 'last_used_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(2);
    expect(row.last_used_at).toBe(t.clock.now().toISOString());

    // The challenge was used up: the same answer again is refused.
    await expectError(await passkeySignIn(response), 401, 'invalid_credentials');
  });

  it('refuses an answer for another origin, an unknown credential, or without user verification', async () => {
    const m = await createMerchant(t);
    const { passkey } = await addPasskey(t, m);
    const evil = await assertion(t, passkey, { origin: 'https://evil.example.com' });
    await expectError(await passkeySignIn(evil), 401, 'invalid_credentials');
    const unverified = await assertion(t, passkey, { userVerified: false });
    await expectError(await passkeySignIn(unverified), 401, 'invalid_credentials');
    const stranger = new SoftPasskey(t.services.config.publicOrigin);
    await expectError(
      await passkeySignIn(await assertion(t, stranger)),
      401,
      'invalid_credentials'
    );
    // A challenge this server never issued.
    await expectError(
      await passkeySignIn(passkey.get({ challenge: 'bm90LWlzc3VlZC1ieS11cw' })),
      401,
      'invalid_credentials'
    );
  });

  it('registration needs its own account’s fresh challenge', async () => {
    const m = await createMerchant(t);
    const other = await createMerchant(t);
    const opts = await call(t, 'POST', '/api/passkeys/registration-options', { cookie: m.cookie });
    const { options } = (await opts.json()) as { options: { challenge: string } };
    const passkey = new SoftPasskey(t.services.config.publicOrigin);
    // Another merchant cannot use the owner's challenge.
    await expectError(
      await call(t, 'POST', '/api/passkeys', {
        cookie: other.cookie,
        body: { name: 'Stolen', response: passkey.create(options) }
      }),
      401,
      'invalid_credentials'
    );
    // And it is gone now, for the owner too.
    await expectError(
      await call(t, 'POST', '/api/passkeys', {
        cookie: m.cookie,
        body: { name: 'Late', response: passkey.create(options) }
      }),
      401,
      'invalid_credentials'
    );
    expect(
      (await t.services.db.db.selectFrom('passkeys').selectAll().execute()).map((r) => r.user_id)
    ).not.toContain(other.id);
  });

  it('a passkey is a second factor, but only its own account’s', async () => {
    const m = await createMerchant(t);
    const other = await createMerchant(t);
    const { passkey } = await addPasskey(t, m);
    const { passkey: othersKey } = await addPasskey(t, other);
    await enableTotp(t, m);
    const pending = await passwordStep(t, m);
    const second = (response: unknown) =>
      call(t, 'POST', '/api/auth/second-factor', { cookie: pending, body: { passkey: response } });
    await expectError(await second(await assertion(t, othersKey)), 401, 'invalid_credentials');
    const ok = await second(await assertion(t, passkey));
    expect(ok.status).toBe(200);
    expect(sessionInfoSchema.parse(await ok.json()).user.id).toBe(m.id);
  });

  it('re-authenticates with a passkey and removes one (only the owner)', async () => {
    const m = await createMerchant(t);
    const { passkey, id } = await addPasskey(t, m);
    t.clock.advance(11 * 60 * 1000);
    const other = await createMerchant(t);
    await expectError(
      await call(t, 'DELETE', `/api/passkeys/${id}`, { cookie: m.cookie }),
      401,
      'reauthentication_required'
    );
    const re = await call(t, 'POST', '/api/auth/reauthenticate', {
      cookie: m.cookie,
      body: { passkey: await assertion(t, passkey) }
    });
    expect(re.status).toBe(200);
    await expectError(
      await call(t, 'DELETE', `/api/passkeys/${id}`, { cookie: other.cookie }),
      404,
      'not_found'
    );
    expect((await call(t, 'DELETE', `/api/passkeys/${id}`, { cookie: m.cookie })).status).toBe(204);
    await expectError(await passkeySignIn(await assertion(t, passkey)), 401, 'invalid_credentials');
  });
});
