import { createRoute } from '@hono/zod-openapi';
import { currencySchema, paymentMethodSchema } from '@kspay/shared';
import { z } from 'zod';
import { RouteApp } from '../http/openapi';
import type { Services } from '../env';
import { requireBearerOrPublicKey } from './auth';
import type { V1Env } from './env';
import { CATALOG_CALLER_ERRORS, bearerAuth, ksPayResponses } from './contract';
import { KsPayError, ksPayHook, ok } from './errors';

export const SANDBOX_GATEWAY = 'KS Pay Sandbox';

/** The sandbox's fixed catalog; ids in KS Pay's shape (`c_` + 10, `pm_` + 9). */
export const CURRENCIES = [
  { id: 'c_WkmEe23LeI', name: 'Rupees', code: 'INR', symbol: 'Rs' },
  { id: 'c_2xqOlqufc3', name: 'US Dollar', code: 'USD', symbol: '$' },
  { id: 'c_JdzYuwqF6O', name: 'Euro', code: 'EUR', symbol: '€' }
].map((c) => ({
  ...c,
  type: 'FIAT' as const,
  isActive: true,
  createdAt: '2024-08-03T11:57:59.647Z'
}));

const METHODS_BY_CURRENCY: Record<string, { id: string; name: string; isActive: boolean }[]> = {
  c_WkmEe23LeI: [
    { id: 'pm_Mk55VGvFm', name: 'NET BANKING', isActive: true },
    { id: 'pm_QtgkfiiWb', name: 'DEBIT CARD', isActive: true },
    { id: 'pm_Up1IndQ7x', name: 'UPI', isActive: true }
  ],
  c_2xqOlqufc3: [
    { id: 'pm_67NoP7JaQ', name: 'CREDIT CARD', isActive: true },
    { id: 'pm_Db2UsdK4w', name: 'DEBIT CARD', isActive: true }
  ],
  c_JdzYuwqF6O: [
    { id: 'pm_5LR93Agwv', name: 'CREDIT CARD', isActive: true },
    { id: 'pm_Sepa9Bnk3', name: 'SEPA TRANSFER', isActive: true }
  ]
};

/** A Map, so a path segment such as `constructor` can never reach Object.prototype. */
export const PAYMENT_METHODS = new Map(Object.entries(METHODS_BY_CURRENCY));

export function findCurrency(id: string) {
  return CURRENCIES.find((c) => c.id === id) ?? null;
}

export function findPaymentMethod(currencyId: string, id: string) {
  return PAYMENT_METHODS.get(currencyId)?.find((m) => m.id === id) ?? null;
}

/** Paths a browser may call with the public key alone (for the CORS preflight). */
export const PUBLIC_KEY_PATHS = [/^\/v1\/currencies$/, /^\/v1\/[^/]+\/payment-methods$/];

const tags = ['Catalog'];
const security = [...bearerAuth, { publicKey: [] }];

const currencies = createRoute({
  method: 'get',
  path: '/currencies',
  summary: 'List currencies',
  description: 'Bearer token, or the public key in x-access-key from an allowed browser origin.',
  tags,
  security,
  responses: ksPayResponses(
    { status: 200, description: 'Currencies', result: z.array(currencySchema) },
    CATALOG_CALLER_ERRORS
  )
});

const paymentMethods = createRoute({
  method: 'get',
  path: '/{currencyId}/payment-methods',
  summary: 'List payment methods of a currency',
  tags,
  security,
  request: {
    params: z.object({ currencyId: z.string().describe('Currency id, e.g. c_WkmEe23LeI') })
  },
  responses: ksPayResponses(
    { status: 200, description: 'Payment methods', result: z.array(paymentMethodSchema) },
    [...CATALOG_CALLER_ERRORS, 'currencyNotExists']
  )
});

/** `GET /v1/currencies`, `GET /v1/:currencyId/payment-methods`: bearer token or public key. */
export function v1CatalogRoutes(s: Services) {
  const caller = requireBearerOrPublicKey(s);
  return new RouteApp<V1Env>({ defaultHook: ksPayHook })
    .openapi({ ...currencies, middleware: [caller] }, (c) => ok(c, 200, CURRENCIES))
    .openapi({ ...paymentMethods, middleware: [caller] }, (c) => {
      const methods = PAYMENT_METHODS.get(c.req.param('currencyId'));
      if (!methods) throw new KsPayError('currencyNotExists');
      return ok(c, 200, methods);
    });
}
