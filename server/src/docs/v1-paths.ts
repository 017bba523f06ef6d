import {
  currencySchema,
  generateTokenInput,
  initiateInput,
  initiateResultSchema,
  paymentMethodSchema,
  processInput,
  processResultSchema,
  tokenPairSchema,
  transactionListResultSchema,
  transactionSchema
} from '@kspay/shared';
import { z } from 'zod';
import { appId, bearer, body, ksError, param, success, type Op } from './helpers';

/** The payments API (`/v1`), in KS Pay's envelope. */
export const v1Paths: Record<string, Record<string, Op>> = {
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
