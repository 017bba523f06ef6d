import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, isCommonPassword, needsRehash, verifyPassword } from '../src/lib/password';
import { call, createMerchant, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const FAST = { ln: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores the parameters, a 16-byte salt and a 32-byte key in the hash', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    const m = /^\$scrypt\$ln=10,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(m![2]!, 'base64')).toHaveLength(32);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const a = await hashPassword('same password twice', FAST);
    const b = await hashPassword('same password twice', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password twice', a)).toBe(true);
    expect(await verifyPassword('same password twice', b)).toBe(true);
  });

  it('refuses a wrong password, a prefix, and a longer password', async () => {
    const stored = await hashPassword('exactly this one', FAST);
    for (const wrong of ['exactly this on', 'exactly this one!', 'Exactly this one', '']) {
      expect(await verifyPassword(wrong, stored)).toBe(false);
    }
  });

  it('verifies with the parameters read from the stored hash, not the current ones', async () => {
    const old = await hashPassword('made with older cost', { ln: 11, r: 8, p: 1 });
    expect(old.startsWith('$scrypt$ln=11,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('made with older cost', old)).toBe(true);
    expect(needsRehash(old, FAST)).toBe(true);
    expect(needsRehash(await hashPassword('x', FAST), FAST)).toBe(false);
  });

  it('treats a corrupt or foreign hash as a mismatch, never as a crash', async () => {
    for (const bad of ['', 'plain', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA', '$2b$10$abcdefghijkl']) {
      expect(await verifyPassword('anything', bad)).toBe(false);
    }
  });

  it('accepts the same password typed as composed or decomposed Unicode', async () => {
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    expect(await verifyPassword(decomposed, await hashPassword(composed, FAST))).toBe(true);
  });

  it('knows common passwords, also capitalised, and not good passphrases', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('Password1')).toBe(true);
    expect(isCommonPassword('iloveyou')).toBe(true);
    expect(isCommonPassword('otter tea on the balcony')).toBe(false);
  });

  it('hashes without blocking the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hashPassword('threadpool, not the loop', { ln: 15, r: 8, p: 1 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});

describeEachDialect('password hashes are upgraded at sign-in', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, {
      config: testConfig({ passwordHashing: { ln: 11, r: 8, p: 1 } })
    });
  });
  afterAll(() => t.close());

  it('rehashes a hash made with other parameters after a correct password', async () => {
    const m = await createMerchant({ ...t, services: { ...t.services, config: testConfig() } });
    const stored = () =>
      t.services.db.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', m.id)
        .executeTakeFirstOrThrow();
    expect((await stored()).password_hash).toMatch(/^\$scrypt\$ln=10,/);
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email: m.email, password: m.password }
    });
    expect(res.status).toBe(200);
    const after = (await stored()).password_hash;
    expect(after).toMatch(/^\$scrypt\$ln=11,r=8,p=1\$/);
    expect(await verifyPassword(m.password, after)).toBe(true);
  });
});
