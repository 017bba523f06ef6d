import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  fields,
  newAppId,
  newClientId,
  pngBytes,
  pngLogo,
  pull,
  push,
  type T,
  type TestMerchant,
  serverWithMerchant
} from './helpers/apps';
import { call, expectError } from './helpers/security';
import { describeEachDialect } from './helpers/services';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

describeEachDialect('app logos: stored with the app, served as checked images', (dialect) => {
  let t: T;
  let m: TestMerchant;
  let client: string;
  let appId: string;
  beforeAll(async () => {
    ({ t, m } = await serverWithMerchant(dialect));
    client = newClientId();
    appId = newAppId();
    await push(t, m, client, [create(1, appId, fields(), pngLogo(5000, 42))]);
  });
  afterAll(() => t.close());

  const logo = (v?: string, headers: Record<string, string> = {}) =>
    call(t, 'GET', `/api/apps/${appId}/logo${v ? `?v=${v}` : ''}`, { cookie: m.cookie, headers });
  const record = async () => (await pull(t, m, client)).apps.find((a) => a.id === appId)!;

  it('serves the exact bytes as image/png with nosniff and a private cache', async () => {
    const { logoHash } = await record();
    const res = await logo(logoHash!);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pngBytes(5000, 42));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
  });

  it('revalidates when the URL does not name the current content, and answers 304 when unchanged', async () => {
    const { logoHash } = await record();
    const plain = await logo();
    expect(plain.headers.get('cache-control')).toBe('private, no-cache');
    expect(plain.headers.get('etag')).toBe(`"${logoHash}"`);
    const again = await logo(undefined, { 'if-none-match': `"${logoHash}"` });
    expect(again.status).toBe(304);
    expect((await logo('stale-hash')).headers.get('cache-control')).toBe('private, no-cache');
  });

  it('replaces the logo on an edit (new hash, new type) and removes it on null', async () => {
    const before = await record();
    await push(t, m, client, [
      {
        id: 2,
        name: 'app.update',
        args: {
          id: appId,
          baseVersion: before.version,
          fields: fields({ name: 'With JPEG' }),
          logo: { type: 'image/jpeg', data: Buffer.from(JPEG).toString('base64') }
        }
      }
    ]);
    const after = await record();
    expect(after.logoHash).not.toBe(before.logoHash);
    const res = await logo(after.logoHash!);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);

    await push(t, m, client, [
      {
        id: 3,
        name: 'app.update',
        args: { id: appId, baseVersion: after.version, fields: fields({ name: 'Kept' }) }
      }
    ]);
    expect((await record()).logoHash).toBe(after.logoHash);

    await push(t, m, client, [
      {
        id: 4,
        name: 'app.update',
        args: { id: appId, baseVersion: 0, fields: fields({ name: 'No logo' }), logo: null }
      }
    ]);
    expect((await record()).logoHash).toBeNull();
    await expectError(await logo(), 404, 'not_found');
  });

  it('answers 400 to an app id that is not one', async () => {
    await expectError(
      await call(t, 'GET', '/api/apps/..%2F..%2Fetc/logo', { cookie: m.cookie }),
      400,
      'validation_failed'
    );
  });
});
