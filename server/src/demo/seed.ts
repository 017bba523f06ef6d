import { SYNC_SCHEMA_VERSION, type TokenPair } from '@kspay/shared';
import { newId } from '@kspay/shared/ids';
import { newToken } from '../lib/tokens';
import type { DemoClock } from './clock';
import { planPayments, type PlannedPayment } from './plan';

/**
 * Seeds the demo merchant through the real APIs only, exactly as a merchant and their backend
 * would: sign-up, two apps registered through sync, a key pair each, then every payment by
 * token exchange → initiate → process over `/v1`. Time is the DemoClock pinned to the moment
 * each step "happens", so the rows carry past dates written by the code that owns them and
 * the rollups are built by the same transactions as in production.
 */

/** `app.request` of the Hono app, or `fetch` against a running server. */
export type Requester = (path: string, init: RequestInit) => Response | Promise<Response>;

export interface DemoSeedOptions {
  transactions: number;
  days: number;
  seed: number;
  /** An origin the server allows for cookie requests (its `publicOrigin`). */
  origin: string;
  /** The token of the "Verify your email" link the server mailed to `email`. */
  verificationToken(email: string): string | Promise<string>;
  /** Called every `progressEvery` payments with the number made so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface DemoApp {
  id: string;
  name: string;
  publicKey: string;
  /** Answered once by the key generation; the demo shows it once and never stores it. */
  secretKey: string;
}

export interface DemoSeed {
  email: string;
  password: string;
  apps: DemoApp[];
  transactions: number;
}

export const DEMO_EMAIL = 'demo@kspay.example';

const DEMO_APPS = [
  {
    name: 'Chai & Co. Online',
    email: 'payments@chai.example',
    address: '12 MG Road',
    country: 'IN',
    state: 'IN-KA',
    city: 'Bengaluru',
    postalCode: '560001'
  },
  {
    name: 'Northwind Books',
    email: 'billing@northwind.example',
    address: '500 Market Street',
    country: 'US',
    state: 'US-CA',
    city: 'San Francisco',
    postalCode: '94105'
  }
];

const CATALOG = {
  INR: { currencyId: 'c_WkmEe23LeI', methods: ['pm_Up1IndQ7x', 'pm_QtgkfiiWb', 'pm_Mk55VGvFm'] },
  USD: { currencyId: 'c_2xqOlqufc3', methods: ['pm_67NoP7JaQ', 'pm_Db2UsdK4w'] },
  EUR: { currencyId: 'c_JdzYuwqF6O', methods: ['pm_5LR93Agwv', 'pm_Sepa9Bnk3'] }
} as const;

/** Re-exchange a little before the 15-minute access token runs out. */
const TOKEN_REUSE_MS = 10 * 60 * 1000;

export async function seedDemo(
  request: Requester,
  clock: DemoClock,
  opts: DemoSeedOptions
): Promise<DemoSeed> {
  async function call<T>(path: string, init: RequestInit, expected: number): Promise<T> {
    const res = await request(path, init);
    if (res.status !== expected) {
      throw new Error(
        `demo seed: ${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`
      );
    }
    return (await res.json()) as T;
  }
  // The console's calls come from its own origin; a merchant's backend sends no Origin.
  const fromConsole = (body: unknown, headers: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: {
      origin: opts.origin,
      ...headers,
      ...(body ? { 'content-type': 'application/json' } : {})
    },
    body: body ? JSON.stringify(body) : undefined
  });
  const backend = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  });

  const now = clock.now();
  const plan = planPayments(opts.transactions, opts.days, now, opts.seed);
  // The merchant signs up the day before the first payment can happen.
  clock.pin(new Date(now.getTime() - (opts.days + 1) * 24 * 60 * 60 * 1000));

  const password = `demo-${newToken().slice(0, 16)}`;
  const signUp = await request(
    '/api/auth/sign-up',
    fromConsole({ name: 'Demo Merchant', email: DEMO_EMAIL, password }, {})
  );
  if (signUp.status !== 202)
    throw new Error(`demo seed: sign-up answered ${signUp.status}: ${await signUp.text()}`);
  // The merchant opens the link from the mail: verified (keys need it) and signed in.
  const token = await opts.verificationToken(DEMO_EMAIL);
  const verified = await request('/api/auth/verify-email', fromConsole({ token }, {}));
  if (verified.status !== 200)
    throw new Error(
      `demo seed: verification answered ${verified.status}: ${await verified.text()}`
    );
  const cookie = (verified.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';

  // Sign-up made the merchant the Owner of their own business; the apps belong to it.
  const { businesses } = await call<{ businesses: { id: string }[] }>(
    '/api/businesses',
    { method: 'GET', headers: { origin: opts.origin, cookie } },
    200
  );
  const businessId = businesses[0]?.id ?? '';
  const apps = DEMO_APPS.map((fields) => ({ id: newId('ap'), fields }));
  const clientId = newId('cl', 20);
  await call(
    '/api/sync/push',
    fromConsole(
      {
        businessId,
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: apps.map((a, i) => ({
          id: i + 1,
          name: 'app.create',
          args: { ...a, logo: null }
        }))
      },
      { cookie }
    ),
    200
  );

  const out: DemoApp[] = [];
  for (const a of apps) {
    const created = await call<{ key: { publicKey: string }; secretKey: string }>(
      `/api/apps/${a.id}/keys`,
      fromConsole(null, { cookie }),
      201
    );
    out.push({
      id: a.id,
      name: a.fields.name,
      publicKey: created.key.publicKey,
      secretKey: created.secretKey
    });
  }

  const tokens = new Map<number, { token: string; at: number }>();
  async function tokenFor(app: number): Promise<string> {
    const held = tokens.get(app);
    const at = clock.now().getTime();
    if (held && at - held.at < TOKEN_REUSE_MS) return held.token;
    const a = out[app] as DemoApp;
    const pair = await call<{ result: TokenPair }>(
      `/v1/auth/generate-token/${a.id}`,
      backend({ accessKey: a.publicKey, secretKey: a.secretKey }),
      201
    );
    tokens.set(app, { token: pair.result.accessToken, at });
    return pair.result.accessToken;
  }

  let done = 0;
  for (const p of plan) {
    await pay(p, done);
    done++;
    if (opts.onProgress && done % (opts.progressEvery ?? 500) === 0) opts.onProgress(done);
  }
  clock.pin(null);
  return { email: DEMO_EMAIL, password, apps: out, transactions: plan.length };

  async function pay(p: PlannedPayment, n: number) {
    clock.pin(p.initiatedAt);
    const bearer = { authorization: `Bearer ${await tokenFor(p.app)}` };
    const cur = CATALOG[p.currency];
    const init = await call<{ result: { pe_txnId: string; signature: string } }>(
      '/v1/transaction/initiate',
      backend(
        {
          currencyId: cur.currencyId,
          paymentMethodId: cur.methods[n % cur.methods.length],
          amount: p.amountMinor / 100,
          referenceNumber: `demo-${opts.seed}-${n}`
        },
        bearer
      ),
      201
    );
    if (!p.processedAt) return;
    clock.pin(p.processedAt);
    await call(
      '/v1/transaction/process',
      backend(
        { pe_txnId: init.result.pe_txnId },
        { ...bearer, 'x-signature': init.result.signature }
      ),
      200
    );
  }
}
