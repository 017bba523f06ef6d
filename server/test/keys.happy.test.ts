import {
  auditListResponseSchema,
  keyCreatedResponseSchema,
  keyListResponseSchema,
  parseKey
} from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  createMerchant,
  createTestApp,
  generateKeys,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('API keys: the merchant Settings flow', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t, { email: 'keys-owner@example.com' });
  });
  afterAll(() => t.close());

  const list = async (appId: string) => {
    const res = await call(t, 'GET', `/api/apps/${appId}/keys`, { cookie: m.cookie });
    expect(res.status).toBe(200);
    return keyListResponseSchema.parse(await res.json()).keys;
  };

  it('starts with no key, generates a pair once and answers the secret with no-store', async () => {
    const appId = await createTestApp(t, m);
    expect(await list(appId)).toEqual([]);

    const res = await call(t, 'POST', `/api/apps/${appId}/keys`, {
      cookie: m.cookie,
      headers: { 'user-agent': 'KeysTest/1.0' }
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = keyCreatedResponseSchema.parse(await res.json());
    expect(parseKey(created.secretKey)).toMatchObject({ ok: true, kind: 'secret', mode: 'test' });
    expect(parseKey(created.key.publicKey)).toMatchObject({ ok: true, kind: 'public' });
    expect(created.key).toMatchObject({
      status: 'active',
      createdByEmail: 'keys-owner@example.com',
      lastUsedAt: null,
      secretHint: `kssk_test_…${created.secretKey.slice(-3)}`
    });

    const listed = await list(appId);
    expect(listed).toEqual([created.key]);
    expect(JSON.stringify(listed)).not.toContain(created.secretKey);
  });

  it('regenerates with a grace period, disables and enables, newest first', async () => {
    const appId = await createTestApp(t, m);
    const first = await generateKeys(t, m, appId);
    t.clock.advance(1000);
    const regen = await call(t, 'POST', `/api/apps/${appId}/keys/${first.keyId}/regenerate`, {
      cookie: m.cookie,
      body: { grace: '24h' }
    });
    expect(regen.status).toBe(201);
    expect(regen.headers.get('cache-control')).toBe('no-store');
    const body = keyCreatedResponseSchema.parse(await regen.json());
    expect(body.previous).toMatchObject({
      id: first.keyId,
      status: 'expiring',
      replacedBy: body.key.id,
      expiresAt: new Date(t.clock.now().getTime() + 24 * 3600 * 1000).toISOString()
    });
    expect(body.secretKey).not.toBe(first.secretKey);

    const disable = await call(t, 'POST', `/api/apps/${appId}/keys/${body.key.id}/disable`, {
      cookie: m.cookie
    });
    expect(await disable.json()).toMatchObject({ key: { status: 'disabled' } });
    const enable = await call(t, 'POST', `/api/apps/${appId}/keys/${body.key.id}/enable`, {
      cookie: m.cookie
    });
    expect(await enable.json()).toMatchObject({ key: { status: 'active', disabledAt: null } });

    // Disabling the expiring pair ends its grace at once.
    const stop = await call(t, 'POST', `/api/apps/${appId}/keys/${first.keyId}/disable`, {
      cookie: m.cookie
    });
    expect(await stop.json()).toMatchObject({ key: { status: 'replaced' } });
    expect((await list(appId)).map((k) => [k.id, k.status])).toEqual([
      [body.key.id, 'active'],
      [first.keyId, 'replaced']
    ]);
  });

  it('generates a fresh pair after the last one was disabled; the disabled one becomes replaced', async () => {
    const appId = await createTestApp(t, m);
    const first = await generateKeys(t, m, appId);
    await call(t, 'POST', `/api/apps/${appId}/keys/${first.keyId}/disable`, { cookie: m.cookie });
    const second = await generateKeys(t, m, appId);
    const keys = await list(appId);
    expect(keys.find((k) => k.id === first.keyId)).toMatchObject({
      status: 'replaced',
      replacedBy: second.keyId
    });
  });

  it('logs every key action with who, when, IP and browser, newest first, in pages', async () => {
    const appId = await createTestApp(t, m);
    const ua = { 'user-agent': 'Mozilla/5.0 (KeysTest)' };
    const opts = { cookie: m.cookie, headers: ua, ip: '203.0.113.7' };
    const created = await call(t, 'POST', `/api/apps/${appId}/keys`, opts);
    const { key } = keyCreatedResponseSchema.parse(await created.json());
    t.clock.advance(1000);
    await call(t, 'POST', `/api/apps/${appId}/keys/${key.id}/disable`, opts);
    t.clock.advance(1000);
    await call(t, 'POST', `/api/apps/${appId}/keys/${key.id}/enable`, opts);
    t.clock.advance(1000);
    await call(t, 'POST', `/api/apps/${appId}/keys/${key.id}/regenerate`, {
      ...opts,
      body: { grace: '7d' }
    });

    const res = await call(t, 'GET', `/api/apps/${appId}/audit?limit=3`, { cookie: m.cookie });
    const page1 = auditListResponseSchema.parse(await res.json());
    expect(page1.entries.map((e) => e.action)).toEqual([
      'key.regenerated',
      'key.enabled',
      'key.disabled'
    ]);
    expect(page1.entries[0]).toMatchObject({
      actorEmail: 'keys-owner@example.com',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (KeysTest)',
      detail: expect.stringContaining('grace 7d') as string
    });
    expect(page1.nextBefore).not.toBeNull();
    const more = await call(
      t,
      'GET',
      `/api/apps/${appId}/audit?limit=3&before=${encodeURIComponent(page1.nextBefore ?? '')}`,
      { cookie: m.cookie }
    );
    const page2 = auditListResponseSchema.parse(await more.json());
    expect(page2.entries.map((e) => e.action)).toEqual(['key.generated']);
    expect(page2.nextBefore).toBeNull();
  });

  it('keeps a domain allow-list per app, normalised, and logs changes', async () => {
    const appId = await createTestApp(t, m);
    const add = await call(t, 'POST', `/api/apps/${appId}/domains`, {
      cookie: m.cookie,
      body: { origin: 'https://Shop.Example.com/' }
    });
    expect(add.status).toBe(201);
    const { domain } = (await add.json()) as { domain: { id: string; origin: string } };
    expect(domain.origin).toBe('https://shop.example.com');
    t.clock.advance(1000);
    await call(t, 'POST', `/api/apps/${appId}/domains`, {
      cookie: m.cookie,
      body: { origin: 'http://localhost:5173' }
    });
    const listed = await call(t, 'GET', `/api/apps/${appId}/domains`, { cookie: m.cookie });
    expect(await listed.json()).toMatchObject({
      domains: [
        { origin: 'https://shop.example.com', createdByEmail: 'keys-owner@example.com' },
        { origin: 'http://localhost:5173' }
      ]
    });
    t.clock.advance(1000);
    const del = await call(t, 'DELETE', `/api/apps/${appId}/domains/${domain.id}`, {
      cookie: m.cookie
    });
    expect(del.status).toBe(204);
    const after = await call(t, 'GET', `/api/apps/${appId}/domains`, { cookie: m.cookie });
    expect(((await after.json()) as { domains: unknown[] }).domains).toHaveLength(1);
    const audit = await call(t, 'GET', `/api/apps/${appId}/audit`, { cookie: m.cookie });
    expect(auditListResponseSchema.parse(await audit.json()).entries.map((e) => e.action)).toEqual([
      'domain.removed',
      'domain.added',
      'domain.added'
    ]);
  });
});
