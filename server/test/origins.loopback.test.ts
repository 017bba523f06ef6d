import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { call, expectError, type TestServer } from './helpers/security';
import { testConfig, testServer } from './helpers/services';

const PASSWORD = 'heron at the harbour wall';

/** The origin check reads no table, so one dialect covers it. */
async function serverAt(env: NodeJS.ProcessEnv): Promise<TestServer> {
  const { allowedOrigins, publicOrigin } = loadConfig(env);
  return testServer('sqlite', { config: testConfig({ publicOrigin, allowedOrigins }) });
}

function signUp(t: TestServer, origin: string, email: string) {
  return call(t, 'POST', '/api/auth/sign-up', {
    headers: { origin },
    body: { name: 'Loop', email, password: PASSWORD }
  });
}

describe('origins: the console opened at another loopback spelling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await serverAt({ PORT: '8787', WEB_ROOT: '' });
  });
  afterAll(() => t.close());

  it.each([
    ['http://localhost:8787', 'a@example.com'],
    ['http://127.0.0.1:8787', 'b@example.com'],
    ['http://[::1]:8787', 'c@example.com']
  ])('signs up from %s', async (origin, email) => {
    expect((await signUp(t, origin, email)).status).toBe(202);
  });

  it('still refuses another port or scheme on loopback, naming the expected origin', async () => {
    for (const origin of ['http://127.0.0.1:9999', 'https://127.0.0.1:8787', 'http://localhost']) {
      const body = await expectError(
        await signUp(t, origin, 'd@example.com'),
        403,
        'forbidden_origin'
      );
      expect(body?.error.message).toContain(origin);
      expect(body?.error.message).toContain('http://localhost:8787');
      expect(body?.error.message).toContain('PUBLIC_ORIGIN');
      expect(body?.error.message).toContain('ALLOWED_ORIGINS');
    }
  });
});

describe('origins: a public deployment', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await serverAt({
      PUBLIC_ORIGIN: 'https://portal.kspay.example',
      ALLOWED_ORIGINS: 'http://127.0.0.1:3000',
      WEB_ROOT: ''
    });
  });
  afterAll(() => t.close());

  it('does not accept loopback because a public origin is configured', async () => {
    for (const origin of ['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']) {
      const body = await expectError(
        await signUp(t, origin, 'e@example.com'),
        403,
        'forbidden_origin'
      );
      expect(body?.error.message).toContain('https://portal.kspay.example');
    }
  });

  it('widens an ALLOWED_ORIGINS loopback entry to its other spellings only', async () => {
    expect((await signUp(t, 'https://portal.kspay.example', 'f@example.com')).status).toBe(202);
    expect((await signUp(t, 'http://localhost:3000', 'g@example.com')).status).toBe(202);
    expect((await signUp(t, 'http://localhost:3001', 'h@example.com')).status).toBe(403);
  });

  it('says when a request named no site at all', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      headers: { origin: null },
      body: { name: 'Loop', email: 'i@example.com', password: PASSWORD }
    });
    const body = await expectError(res, 403, 'forbidden_origin');
    expect(body?.error.message).toContain('https://portal.kspay.example');
  });
});
