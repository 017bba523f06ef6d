import { errorBodySchema, type ErrorCode } from '@kspay/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/password';
import { randomBase62 } from '@kspay/shared/ids';
import { sessionCookieName } from '../../src/console/middleware/session';
import { sessionStore } from '../../src/store/sessions';
import { userStore } from '../../src/store/users';
import { businessStore } from '../../src/store/businesses';
import { TEST_ORIGIN, type testServer } from './services';

export type TestServer = Awaited<ReturnType<typeof testServer>>;

export interface CallOptions {
  /** Sent as JSON with `content-type: application/json`. */
  body?: unknown;
  /** Sent as is (malformed JSON, form data…); set `content-type` in `headers` yourself. */
  raw?: string;
  /** A `name=value` cookie, e.g. `merchant.cookie`. */
  cookie?: string;
  /** Merged over the defaults (`origin` of the app for non-GET requests). Use null to omit. */
  headers?: Record<string, string | null>;
  /** The socket's remote address as @hono/node-server would report it. */
  ip?: string;
}

/** One request as a same-origin browser would send it, unless `opts` says otherwise. */
export async function call(
  t: TestServer,
  method: string,
  path: string,
  opts: CallOptions = {}
): Promise<Response> {
  const headers: Record<string, string | null> = {};
  if (method !== 'GET' && method !== 'HEAD') headers.origin = TEST_ORIGIN;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  Object.assign(headers, opts.headers);
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const h = Object.entries(headers).filter((e): e is [string, string] => e[1] !== null);
  const env = opts.ip ? { incoming: { socket: { remoteAddress: opts.ip } } } : undefined;
  return t.app.request(path, { method, headers: h, body }, env);
}

/** The session cookie a response sets, as `name=value` for the next request, or null. */
export function sessionCookieOf(t: TestServer, res: Response): string | null {
  const name = sessionCookieName(t.services.config.publicOrigin);
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  const pair = set?.split(';')[0];
  return pair && pair !== `${name}=` ? pair : null;
}

/** The token of the latest "Verify your email" link mailed to `email` (null: none). */
export function verificationToken(t: TestServer, email: string): string | null {
  const to = email.trim().toLowerCase();
  const mail = t.mailer.sent.filter((m) => m.to === to && m.subject === 'Verify your email').at(-1);
  return /\/verify-email#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? null;
}

/**
 * Sign-up as a merchant goes through it: the form (202, "check your email"), then the link from
 * the mail, which signs in. Answers the link's response (200 with the session cookie), or the
 * sign-up's own answer when that was not 202.
 */
export async function signUpVerified(
  t: TestServer,
  opts: CallOptions & { body: Record<string, unknown> & { email: string } }
) {
  const up = await call(t, 'POST', '/api/auth/sign-up', opts);
  if (up.status !== 202) return up;
  const token = verificationToken(t, opts.body.email);
  return call(t, 'POST', '/api/auth/verify-email', {
    body: { token },
    ip: opts.ip,
    headers: opts.headers
  });
}

export interface Merchant {
  id: string;
  email: string;
  name: string;
  password: string;
  /** `name=value` of a live session cookie. */
  cookie: string;
  token: string;
  /** The business sign-up made for them, where they are the Owner. */
  businessId: string;
}

/**
 * A merchant with a signed-in session, written straight through the stores: fast, and not
 * subject to the sign-up rate limit, so a suite may create as many as it needs.
 */
export async function createMerchant(
  t: TestServer,
  opts: { email?: string; name?: string; password?: string; unverified?: true } = {}
): Promise<Merchant> {
  const password = opts.password ?? `pw-${`x_${randomBase62(16)}`}`;
  const user = await userStore(t.services.db, t.clock).create({
    email: opts.email ?? `${`m_${randomBase62(9)}`.toLowerCase()}@example.com`,
    name: opts.name ?? 'Test Merchant',
    passwordHash: await hashPassword(password, t.services.config.passwordHashing),
    // Verified like any merchant who opened their link; `unverified` is one who has not yet.
    emailVerifiedAt: opts.unverified ? null : t.clock.now().toISOString()
  });
  const { token } = await sessionStore(t.services.db, t.clock).create(user.id, {
    ip: null,
    userAgent: null
  });
  const cookie = `${sessionCookieName(t.services.config.publicOrigin)}=${token}`;
  const [own] = await businessStore(t.services.db, t.clock).forUser(user.id);
  if (!own) throw new Error('sign-up made no business');
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    password,
    cookie,
    token,
    businessId: own.id
  };
}

/**
 * Every row of every application table, order-independent: "nothing changed" is equality.
 * `ignore` leaves out tables a refused request may legitimately touch (`rate_limits` counts
 * refused sign-ups too).
 */
export async function snapshot(
  t: TestServer,
  ignore: string[] = []
): Promise<Record<string, string[]>> {
  const { db } = t.services.db;
  const out: Record<string, string[]> = {};
  for (const table of await db.introspection.getTables()) {
    if (ignore.includes(table.name)) continue;
    const rows = await db
      .selectFrom(table.name as never)
      .selectAll()
      .execute();
    out[table.name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** Asserts the status and that the body is the one error shape (with `code` if given). */
export async function expectError(res: Response, status: number, code?: ErrorCode) {
  expect(res.status).toBe(status);
  const parsed = errorBodySchema.safeParse(await res.json());
  expect(parsed.success, 'body is {error:{code,message,fields?}}').toBe(true);
  if (code && parsed.success) expect(parsed.data.error.code).toBe(code);
  return parsed.data;
}

export interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The full path, e.g. `/api/apps/ap_123456789`. */
  path: string;
  /** A body the route would accept; omit for routes that read none. */
  body?: unknown;
  /** Routes open without a session (sign-in, sign-up…) skip the 401 cases. */
  public?: boolean;
}

/**
 * The common security cases for routes under `/api`, one `it` each, inside a describe block
 * of the caller's suite (call it after the `beforeAll` that builds the server):
 *
 * - protected routes: no cookie → 401 `unauthorized`; an unknown session token → 401;
 * - state-changing methods: a foreign `Origin`, or no Origin with `Sec-Fetch-Site: cross-site`
 *   or without any Sec-Fetch-Site → 403 `forbidden_origin` (even with a valid session cookie);
 *   a form or text body → 415; a body over 64 KiB → 413; malformed JSON → 400 `bad_json`
 *   (for routes that read a body).
 *
 * Every answer must be in the error shape, and every table must be unchanged afterwards.
 * Ownership (another merchant's id → 404) is specific to each resource and stays with it.
 *
 * @example runProtectedRouteCases(() => t, [{ method: 'POST', path: '/api/auth/reauthenticate', body: { password: 'x' } }]);
 */
export function runProtectedRouteCases(getServer: () => TestServer, routes: RouteCase[]): void {
  for (const route of routes) {
    describe(`security cases: ${route.method} ${route.path}`, () => {
      let merchant: Merchant;
      beforeAll(async () => {
        merchant = await createMerchant(getServer());
      });

      const expectRefused = async (opts: () => CallOptions, status: number, code: ErrorCode) => {
        const t = getServer();
        const before = await snapshot(t);
        await expectError(await call(t, route.method, route.path, opts()), status, code);
        expect(await snapshot(t)).toEqual(before);
      };
      const valid = () => ({ cookie: merchant.cookie, body: route.body });

      if (!route.public) {
        it('answers 401 without a session cookie', () =>
          expectRefused(() => ({ body: route.body }), 401, 'unauthorized'));
        it('answers 401 for an unknown session token', () =>
          expectRefused(
            () => ({ ...valid(), cookie: merchant.cookie.replace(/=.*/, `=${'A'.repeat(43)}`) }),
            401,
            'unauthorized'
          ));
      }
      if (route.method === 'GET') return;

      it('answers 403 to a foreign Origin, even with a valid session', () =>
        expectRefused(
          () => ({ ...valid(), headers: { origin: 'https://evil.example' } }),
          403,
          'forbidden_origin'
        ));
      it('answers 403 to a cross-site request without Origin', () =>
        expectRefused(
          () => ({ ...valid(), headers: { origin: null, 'sec-fetch-site': 'cross-site' } }),
          403,
          'forbidden_origin'
        ));
      it('answers 403 when neither Origin nor Sec-Fetch-Site vouches for the request', () =>
        expectRefused(() => ({ ...valid(), headers: { origin: null } }), 403, 'forbidden_origin'));
      it('answers 415 to a form-encoded or text body', async () => {
        for (const type of [
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data'
        ]) {
          await expectRefused(
            () => ({ cookie: merchant.cookie, raw: 'a=b', headers: { 'content-type': type } }),
            415,
            'unsupported_media_type'
          );
        }
      });
      it('answers 413 to a body over 64 KiB', () =>
        expectRefused(
          () => ({ cookie: merchant.cookie, body: { pad: 'x'.repeat(65 * 1024) } }),
          413,
          'payload_too_large'
        ));
      if (route.body === undefined) return;
      it('answers 400 bad_json to malformed JSON', () =>
        expectRefused(
          () => ({
            cookie: merchant.cookie,
            raw: '{"oops":',
            headers: { 'content-type': 'application/json' }
          }),
          400,
          'bad_json'
        ));
    });
  }
}
