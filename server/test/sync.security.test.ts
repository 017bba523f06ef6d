import { MAX_PUSH_BODY_BYTES, SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create,
  fields,
  merchant,
  newAppId,
  newClientId,
  pngLogo,
  post,
  pull,
  pullRaw,
  push,
  pushRaw,
  syncTables,
  type T,
  type TestMerchant
} from './helpers/apps';
import { call, expectError, runProtectedRouteCases } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('sync: ownership, sessions and limits', (dialect) => {
  let t: T;
  let alice: TestMerchant;
  let mallory: TestMerchant;
  let aliceClient: string;
  let aliceApp: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    alice = await merchant(t);
    mallory = await merchant(t);
    aliceClient = newClientId();
    aliceApp = newAppId();
    await push(t, alice, aliceClient, [create(1, aliceApp, fields(), pngLogo())]);
  });
  afterAll(() => t.close());

  runProtectedRouteCases(
    () => t,
    [
      {
        method: 'POST',
        path: '/api/sync/pull',
        body: {
          businessId: 'bu_123456789',
          clientId: newClientId(),
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor: 0,
          rejectionsAfter: 0
        }
      },
      { method: 'GET', path: '/api/apps/ap_123456789/logo' }
    ]
  );

  describe('push without a session or from another site', () => {
    const body = () => ({
      businessId: 'bu_123456789',
      clientId: newClientId(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(1)]
    });
    it('answers 401 without a session and stores nothing', async () => {
      const before = await syncTables(t);
      await expectError(
        await call(t, 'POST', '/api/sync/push', { body: body() }),
        401,
        'unauthorized'
      );
      expect(await syncTables(t)).toEqual(before);
    });
    it('answers 403 to a foreign Origin even with a session', async () => {
      const before = await syncTables(t);
      const res = await call(t, 'POST', '/api/sync/push', {
        body: body(),
        cookie: alice.cookie,
        headers: { origin: 'https://evil.example' }
      });
      await expectError(res, 403, 'forbidden_origin');
      expect(await syncTables(t)).toEqual(before);
    });
    it('answers 415 to a text body', async () => {
      const res = await call(t, 'POST', '/api/sync/push', {
        raw: JSON.stringify(body()),
        cookie: alice.cookie,
        headers: { 'content-type': 'text/plain' }
      });
      await expectError(res, 415, 'unsupported_media_type');
    });
  });

  it("answers 404 to another merchant's client id, on push and pull, and changes nothing", async () => {
    const before = await syncTables(t);
    await expectError(await pushRaw(t, mallory, aliceClient, [create(2)]), 404, 'not_found');
    await expectError(await pushRaw(t, mallory, aliceClient, []), 404, 'not_found');
    await expectError(await pullRaw(t, mallory, aliceClient), 404, 'not_found');
    expect(await syncTables(t)).toEqual(before);
  });

  it("answers 403 not_a_member to a push into another merchant's business or one that does not exist, and changes nothing", async () => {
    const before = await syncTables(t);
    for (const businessId of [alice.businessId, 'bu_000000000']) {
      const intruder = { ...mallory, businessId };
      for (const batch of [[create(1)], []]) {
        await expectError(await pushRaw(t, intruder, newClientId(), batch), 403, 'not_a_member');
      }
    }
    expect(await syncTables(t)).toEqual(before);
  });

  it("refuses edits of another merchant's app as if it did not exist", async () => {
    const client = newClientId();
    const res = await push(t, mallory, client, [
      {
        id: 1,
        name: 'app.update',
        args: { id: aliceApp, baseVersion: 1, fields: fields({ name: 'Pwned' }) }
      },
      { id: 2, name: 'app.setStatus', args: { id: aliceApp, baseVersion: 1, status: 'disabled' } },
      create(3, aliceApp, fields({ name: 'Pwned again' }))
    ]);
    expect(res.rejections.map((r) => [r.code, r.record ?? null])).toEqual([
      ['not_found', null],
      ['not_found', null],
      ['conflict', null]
    ]);
    const app = (await pull(t, alice, aliceClient)).apps.find((a) => a.id === aliceApp);
    expect(app).toMatchObject({ status: 'active', version: 1 });
    expect(app?.name).not.toMatch(/Pwned/);
    expect((await pull(t, mallory, client)).apps).toEqual([]);
  });

  it("answers 404 for another merchant's logo, with nothing cached", async () => {
    const res = await call(t, 'GET', `/api/apps/${aliceApp}/logo`, { cookie: mallory.cookie });
    await expectError(res, 404, 'not_found');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const own = await call(t, 'GET', `/api/apps/${aliceApp}/logo`, { cookie: alice.cookie });
    expect(own.status).toBe(200);
  });

  it('reads push bodies with logos beyond 64 KiB, up to its own larger limit', async () => {
    const client = newClientId();
    const batch = Array.from({ length: 8 }, (_, i) =>
      create(i + 1, newAppId(), fields(), pngLogo(100 * 1024, i))
    );
    expect(JSON.stringify(batch).length).toBeGreaterThan(1024 * 1024);
    const res = await push(t, alice, client, batch);
    expect(res).toEqual({ lastMutationId: 8, rejections: [] });

    const before = await syncTables(t);
    const huge = await post(t, '/api/sync/push', alice.cookie, {
      businessId: alice.businessId,
      clientId: client,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [create(9)],
      pad: 'x'.repeat(MAX_PUSH_BODY_BYTES)
    });
    await expectError(huge, 413, 'payload_too_large');
    expect(await syncTables(t)).toEqual(before);
  });
});
