import {
  addDomainInput,
  apiKeySchema,
  auditListResponseSchema,
  currencySchema,
  domainSchema,
  envelopeSchema,
  errorBodySchema,
  generateTokenInput,
  initiateInput,
  initiateResultSchema,
  keyCreatedResponseSchema,
  keyListResponseSchema,
  ksPayErrorBodySchema,
  paymentMethodSchema,
  processInput,
  processResultSchema,
  regenerateKeyInput,
  tokenPairSchema,
  transactionListResultSchema,
  transactionSchema
} from '@kspay/shared';
import { z, type ZodType } from 'zod';
import { API_DESCRIPTION } from './description';

/**
 * The OpenAPI 3.1 document, assembled from the same shared zod schemas the routes validate
 * with (`z.toJSONSchema`), so the description cannot drift from what the server accepts.
 */
type Json = Record<string, unknown>;

const input = (s: ZodType) => strip(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }));
const output = (s: ZodType) => strip(z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }));
function strip(schema: Json): Json {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
const ksError = { description: 'KS Pay error envelope', ...json(output(ksPayErrorBodySchema)) };
const apiError = { description: 'Error', ...json(output(errorBodySchema)) };
const success = (description: string, result: ZodType) => ({
  description,
  ...json(output(envelopeSchema(result)))
});

interface Op {
  summary: string;
  description?: string;
  tags: string[];
  security?: Json[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
}
const param = (
  name: string,
  where: 'path' | 'query' | 'header',
  description: string,
  required = where === 'path'
) => ({
  name,
  in: where,
  required,
  description,
  schema: { type: 'string' }
});
const body = (s: ZodType) => ({ required: true, ...json(input(s)) });

const bearer = [{ bearerAuth: [] }];
const appId = param('appId', 'path', 'App id, e.g. ap_rtk2WdyQR');
const keyId = param('keyId', 'path', 'Key pair id, e.g. ak_4Xq0cVb2L');

const v1: Record<string, Record<string, Op>> = {
  '/v1/auth/generate-token/{appId}': {
    post: {
      summary: 'Exchange a key pair for tokens',
      description:
        'accessKey is the public key (kspk_…), secretKey the secret key (kssk_…). Codes: 9002, 9005, -17, 11005, 11001, 11004, 11002, 11011.',
      tags: ['Auth'],
      parameters: [appId],
      requestBody: body(generateTokenInput),
      responses: {
        201: success('Access and refresh token', tokenPairSchema),
        400: ksError,
        429: ksError
      }
    }
  },
  '/v1/auth/refresh-token': {
    post: {
      summary: 'Rotate tokens with a refresh token',
      description:
        'Send the refresh token in Authorization (with or without "Bearer "). Single use. Codes: 9000, 9008, 11002, 11011.',
      tags: ['Auth'],
      parameters: [param('Authorization', 'header', 'The refresh token', true)],
      responses: { 201: success('New access and refresh token', tokenPairSchema), 401: ksError }
    }
  },
  '/v1/currencies': {
    get: {
      summary: 'List currencies',
      description:
        'Bearer token, or the public key in x-access-key from an allowed browser origin.',
      tags: ['Catalog'],
      security: [{ bearerAuth: [] }, { publicKey: [] }],
      responses: { 200: success('Currencies', z.array(currencySchema)), 403: ksError }
    }
  },
  '/v1/{currencyId}/payment-methods': {
    get: {
      summary: 'List payment methods of a currency',
      tags: ['Catalog'],
      security: [{ bearerAuth: [] }, { publicKey: [] }],
      parameters: [param('currencyId', 'path', 'Currency id, e.g. c_WkmEe23LeI')],
      responses: {
        200: success('Payment methods', z.array(paymentMethodSchema)),
        400: ksError,
        403: ksError
      }
    }
  },
  '/v1/transaction/initiate': {
    post: {
      summary: 'Initiate a transaction',
      description:
        'referenceNumber makes this idempotent per app: the same request again answers the same transaction (header Idempotent-Replayed: true); other details with a used referenceNumber answer 409 / -17.',
      tags: ['Transactions'],
      security: bearer,
      requestBody: body(initiateInput),
      responses: {
        201: success('The initiated transaction and its x-signature', initiateResultSchema),
        400: ksError,
        409: ksError
      }
    }
  },
  '/v1/transaction/process': {
    post: {
      summary: 'Process an initiated transaction (sandbox outcome by the cents)',
      tags: ['Transactions'],
      security: bearer,
      parameters: [param('x-signature', 'header', 'hex HMAC-SHA256, see the description', true)],
      requestBody: body(processInput),
      responses: {
        200: success('The settled order', processResultSchema),
        400: ksError,
        401: ksError,
        404: ksError
      }
    }
  },
  '/v1/transaction/txnId/{id}': {
    get: {
      summary: 'Fetch one transaction',
      tags: ['Transactions'],
      security: bearer,
      parameters: [param('id', 'path', 'pe_txnId, e.g. tx_UOVynlQ0j')],
      responses: { 200: success('The transaction', transactionSchema), 404: ksError }
    }
  },
  '/v1/transaction': {
    get: {
      summary: 'List transactions, newest first',
      description:
        'fromDate/toDate are UTC days (YYYY-MM-DD), inclusive. Codes: 11006–11011, 4089, 4056.',
      tags: ['Transactions'],
      security: bearer,
      parameters: [
        param('fromDate', 'query', 'First day'),
        param('toDate', 'query', 'Last day'),
        param('page', 'query', 'From 1'),
        param('limit', 'query', '1–100, default 20'),
        param('status', 'query', 'initiated | success | failed | pending')
      ],
      responses: {
        200: success('A page of transactions', transactionListResultSchema),
        400: ksError
      }
    }
  }
};

const session = [{ sessionCookie: [] }];
const keyAction = (
  summary: string,
  description: string,
  request: ZodType | null,
  ok: Json
): Op => ({
  summary,
  description,
  tags: ['Merchant console: keys'],
  security: session,
  parameters: [appId, keyId],
  ...(request ? { requestBody: body(request) } : {}),
  responses: { ...ok, 401: apiError, 404: apiError, 409: apiError }
});

const merchant: Record<string, Record<string, Op>> = {
  '/api/apps/{appId}/keys': {
    get: {
      summary: 'List key pairs (never a secret)',
      tags: ['Merchant console: keys'],
      security: session,
      parameters: [appId],
      responses: {
        200: { description: 'Key pairs', ...json(output(keyListResponseSchema)) },
        401: apiError,
        404: apiError
      }
    },
    post: {
      summary: 'Generate the first pair (none active)',
      description:
        'Answers the secret once (Cache-Control: no-store). 401 reauthentication_required when the password is older than 10 minutes.',
      tags: ['Merchant console: keys'],
      security: session,
      parameters: [appId],
      responses: {
        201: { description: 'The pair and its secret', ...json(output(keyCreatedResponseSchema)) },
        401: apiError,
        404: apiError,
        409: apiError
      }
    }
  },
  '/api/apps/{appId}/keys/{keyId}/regenerate': {
    post: keyAction(
      'Replace the current pair',
      'grace: now | 1h | 24h | 7d — how long the old pair keeps working.',
      regenerateKeyInput,
      {
        201: {
          description: 'The new pair, its secret, and the old pair',
          ...json(output(keyCreatedResponseSchema))
        }
      }
    )
  },
  '/api/apps/{appId}/keys/{keyId}/disable': {
    post: keyAction('Disable a pair at once (and its tokens)', '', null, {
      200: { description: 'The pair', ...json(output(z.object({ key: apiKeySchema }))) }
    })
  },
  '/api/apps/{appId}/keys/{keyId}/enable': {
    post: keyAction('Enable a disabled pair that was not replaced', '', null, {
      200: { description: 'The pair', ...json(output(z.object({ key: apiKeySchema }))) }
    })
  },
  '/api/apps/{appId}/audit': {
    get: {
      summary: 'Activity log, newest first',
      tags: ['Merchant console: settings'],
      security: session,
      parameters: [
        appId,
        param('limit', 'query', '1–200, default 50'),
        param('before', 'query', 'nextBefore of the previous page')
      ],
      responses: {
        200: { description: 'Entries', ...json(output(auditListResponseSchema)) },
        404: apiError
      }
    }
  },
  '/api/apps/{appId}/domains': {
    get: {
      summary: 'Allowed browser origins',
      tags: ['Merchant console: settings'],
      security: session,
      parameters: [appId],
      responses: {
        200: {
          description: 'Domains',
          ...json(output(z.object({ domains: z.array(domainSchema) })))
        },
        404: apiError
      }
    },
    post: {
      summary: 'Allow an origin',
      tags: ['Merchant console: settings'],
      security: session,
      parameters: [appId],
      requestBody: body(addDomainInput),
      responses: {
        201: { description: 'The domain', ...json(output(z.object({ domain: domainSchema }))) },
        400: apiError,
        409: apiError
      }
    }
  },
  '/api/apps/{appId}/domains/{domainId}': {
    delete: {
      summary: 'Remove an origin',
      tags: ['Merchant console: settings'],
      security: session,
      parameters: [appId, param('domainId', 'path', 'dm_…')],
      responses: { 204: { description: 'Removed' }, 404: apiError }
    }
  }
};

export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'KS Pay sandbox payments API', version: '1.0.0', description: API_DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Auth' },
      { name: 'Catalog' },
      { name: 'Transactions' },
      { name: 'Merchant console: keys' },
      { name: 'Merchant console: settings' }
    ],
    paths: { ...v1, ...merchant },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Access token from /v1/auth/generate-token'
        },
        publicKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-access-key',
          description: 'Public key (kspk_…), browser origin must be allowed'
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'kspay_session',
          description: 'Merchant console session'
        }
      }
    }
  };
}
