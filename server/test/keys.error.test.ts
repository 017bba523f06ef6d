import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createMerchant,
  createTestApp,
  generateKeys,
  regenerateKeys,
  setAppStatus,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { expectError, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const MINUTE = 60 * 1000;

describeEachDialect('API keys: refusals change nothing', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
  });
  afterAll(() => t.close());

  /** Asserts the refusal and that no table changed (a session's sliding expiry aside). */
  async function refused(
    res: () => Promise<Response>,
    status: number,
    code: Parameters<typeof expectError>[2]
  ) {
    const before = await snapshot(t, ['sessions']);
    const body = await expectError(await res(), status, code);
    expect(await snapshot(t, ['sessions'])).toEqual(before);
    return body;
  }

  it('refuses a second pair while one is active (409)', async () => {
    const appId = await createTestApp(t, m);
    await generateKeys(t, m, appId);
    await refused(
      () => call(t, 'POST', `/api/apps/${appId}/keys`, { cookie: m.cookie }),
      409,
      'conflict'
    );
  });

  it('refuses to regenerate or enable a replaced pair (409)', async () => {
    const appId = await createTestApp(t, m);
    const first = await generateKeys(t, m, appId);
    await regenerateKeys(t, m, appId, first.keyId, 'now');
    const path = `/api/apps/${appId}/keys/${first.keyId}`;
    await refused(
      () => call(t, 'POST', `${path}/regenerate`, { cookie: m.cookie, body: { grace: 'now' } }),
      409,
      'conflict'
    );
    await refused(() => call(t, 'POST', `${path}/enable`, { cookie: m.cookie }), 409, 'conflict');
  });

  it('refuses a bad grace period or unknown fields (400 with fields)', async () => {
    const appId = await createTestApp(t, m);
    const { keyId } = await generateKeys(t, m, appId);
    const path = `/api/apps/${appId}/keys/${keyId}/regenerate`;
    for (const body of [{ grace: '2h' }, {}, { grace: 'now', secret: 'x' }]) {
      await refused(
        () => call(t, 'POST', path, { cookie: m.cookie, body }),
        400,
        'validation_failed'
      );
    }
  });

  it('answers 404 for a key of another app or an unknown key id', async () => {
    const appA = await createTestApp(t, m);
    const appB = await createTestApp(t, m);
    const a = await generateKeys(t, m, appA);
    await refused(
      () => call(t, 'POST', `/api/apps/${appB}/keys/${a.keyId}/disable`, { cookie: m.cookie }),
      404,
      'not_found'
    );
    await refused(
      () => call(t, 'POST', `/api/apps/${appA}/keys/ak_000000000/enable`, { cookie: m.cookie }),
      404,
      'not_found'
    );
    await refused(
      () => call(t, 'POST', `/api/apps/${appA}/keys/not-a-key/disable`, { cookie: m.cookie }),
      404,
      'not_found'
    );
  });

  describe('a password entered more than 10 minutes ago', () => {
    it('blocks every key action with reauthentication_required, not the list', async () => {
      const owner = await createMerchant(t);
      const appId = await createTestApp(t, owner);
      const { keyId } = await generateKeys(t, owner, appId);
      t.clock.advance(10 * MINUTE + 1000);
      const path = `/api/apps/${appId}/keys`;
      const opts = { cookie: owner.cookie };
      await refused(() => call(t, 'POST', path, opts), 401, 'reauthentication_required');
      for (const action of ['disable', 'enable']) {
        await refused(
          () => call(t, 'POST', `${path}/${keyId}/${action}`, opts),
          401,
          'reauthentication_required'
        );
      }
      await refused(
        () => call(t, 'POST', `${path}/${keyId}/regenerate`, { ...opts, body: { grace: 'now' } }),
        401,
        'reauthentication_required'
      );
      expect((await call(t, 'GET', path, opts)).status).toBe(200);

      // Entering the password again opens the window for the next ten minutes.
      const reauth = await call(t, 'POST', '/api/auth/reauthenticate', {
        ...opts,
        body: { password: owner.password }
      });
      expect(reauth.status).toBeLessThan(300);
      const disabled = await call(t, 'POST', `${path}/${keyId}/disable`, opts);
      expect(disabled.status).toBe(200);
    });
  });

  it('refuses a key pair for a disabled app (409), by generation or regeneration', async () => {
    const owner = await createMerchant(t);
    const withKeys = await createTestApp(t, owner);
    const { keyId } = await generateKeys(t, owner, withKeys);
    const keyless = await createTestApp(t, owner);
    await setAppStatus(t, withKeys, 'disabled');
    await setAppStatus(t, keyless, 'disabled');
    const opts = { cookie: owner.cookie };
    const generate = await refused(
      () => call(t, 'POST', `/api/apps/${keyless}/keys`, opts),
      409,
      'conflict'
    );
    expect(generate?.error.message).toBe('This app is disabled: enable it to generate keys');
    await refused(
      () =>
        call(t, 'POST', `/api/apps/${withKeys}/keys/${keyId}/regenerate`, {
          ...opts,
          body: { grace: 'now' }
        }),
      409,
      'conflict'
    );
    // Enabled again, the app gets its keys.
    await setAppStatus(t, keyless, 'active');
    expect((await call(t, 'POST', `/api/apps/${keyless}/keys`, opts)).status).toBe(201);
  });

  describe('allowed domains', () => {
    it('need the password again after 10 minutes to add or remove one, not to list', async () => {
      const owner = await createMerchant(t);
      const appId = await createTestApp(t, owner);
      const path = `/api/apps/${appId}/domains`;
      const opts = { cookie: owner.cookie };
      const added = await call(t, 'POST', path, {
        ...opts,
        body: { origin: 'https://kept.example.com' }
      });
      expect(added.status).toBe(201);
      const { domain } = (await added.json()) as { domain: { id: string } };
      t.clock.advance(10 * MINUTE + 1000);
      await refused(
        () => call(t, 'POST', path, { ...opts, body: { origin: 'https://new.example.com' } }),
        401,
        'reauthentication_required'
      );
      await refused(
        () => call(t, 'DELETE', `${path}/${domain.id}`, opts),
        401,
        'reauthentication_required'
      );
      expect((await call(t, 'GET', path, opts)).status).toBe(200);
      const reauth = await call(t, 'POST', '/api/auth/reauthenticate', {
        ...opts,
        body: { password: owner.password }
      });
      expect(reauth.status).toBe(200);
      expect((await call(t, 'DELETE', `${path}/${domain.id}`, opts)).status).toBe(204);
    });
  });

  it('refuses invalid, duplicate and too many origins', async () => {
    // A fresh session: adding a domain needs a recent password, and other tests move the clock.
    const m = await createMerchant(t);
    const appId = await createTestApp(t, m);
    const path = `/api/apps/${appId}/domains`;
    for (const origin of [
      'http://shop.example.com',
      'https://shop.example.com/x',
      '*',
      'x'.repeat(300)
    ]) {
      await refused(
        () => call(t, 'POST', path, { cookie: m.cookie, body: { origin } }),
        400,
        'validation_failed'
      );
    }
    await call(t, 'POST', path, { cookie: m.cookie, body: { origin: 'https://a.example.com' } });
    await refused(
      () => call(t, 'POST', path, { cookie: m.cookie, body: { origin: 'https://A.example.com/' } }),
      409,
      'conflict'
    );
    for (let i = 1; i < 20; i++) {
      const res = await call(t, 'POST', path, {
        cookie: m.cookie,
        body: { origin: `https://s${i}.example.com` }
      });
      expect(res.status).toBe(201);
    }
    await refused(
      () =>
        call(t, 'POST', path, {
          cookie: m.cookie,
          body: { origin: 'https://one-too-many.example.com' }
        }),
      409,
      'conflict'
    );
    await refused(
      () => call(t, 'DELETE', `${path}/dm_000000000`, { cookie: m.cookie }),
      404,
      'not_found'
    );
  });
});
