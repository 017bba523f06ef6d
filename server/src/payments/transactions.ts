import { createRoute } from '@hono/zod-openapi';
import {
  initiateInput,
  initiateResultSchema,
  processInput,
  processResultSchema,
  referenceNumberSchema,
  sandboxOutcome,
  transactionListQuery,
  transactionListResultSchema,
  transactionSchema,
  type Transaction
} from '@kspay/shared';
import { z } from 'zod';
import { jsonContent, RouteApp } from '../http/openapi';
import type { Services } from '../env';
import { toTransaction, transactionStore } from '../store/transactions';
import { requireBearer } from './auth';
import { bearerTransaction } from './transaction-read';
import type { V1Env } from './env';
import { findCurrency, findPaymentMethod, SANDBOX_GATEWAY } from './catalog';
import { pagination, transactionRange } from './date-range';
import {
  BEARER_ERRORS,
  BODY_ERRORS,
  IDEMPOTENCY_ERRORS,
  bearerAuth,
  ksPayResponses
} from './contract';
import { KsPayError, ksPayHook, ok, okJson } from './errors';
import { setV1Header } from './frame';
import { emptyBodyIsNone } from './no-body';
import { idempotencyKeyHeader, idempotent } from './idempotency';
import {
  signatureDigest,
  signatureMatches,
  signatureWellFormed,
  transactionSignature
} from './signature';

const tags = ['Transactions'];

const initiate = createRoute({
  method: 'post',
  path: '/initiate',
  summary: 'Initiate a transaction',
  description:
    'referenceNumber makes this idempotent per app: the same request again answers the same transaction (header Idempotent-Replayed: true); other details with a used referenceNumber answer 409 / -17.',
  tags,
  security: bearerAuth,
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
    body: { required: true, ...jsonContent(initiateInput) }
  },
  responses: ksPayResponses(
    {
      status: 201,
      description: 'The initiated transaction and its x-signature',
      result: initiateResultSchema
    },
    [
      ...BEARER_ERRORS,
      ...BODY_ERRORS,
      'decimalValueAmountError',
      'unauthorizedAccess',
      'currencyNotExists',
      'invalidPaymentMethodIds',
      'customError',
      ...IDEMPOTENCY_ERRORS
    ]
  )
});

const processRoute = createRoute({
  method: 'post',
  path: '/process',
  summary: 'Process an initiated transaction (sandbox outcome by the cents)',
  description:
    "As in KS Pay's reference, the x-signature header alone names the transaction (no body, or an empty one); a body {\"pe_txnId\"} may name it too. Either way the signature must be the one initiate answered for that transaction of the token's app, made with the token's key pair; any other answers 401 / 9007. Processing again answers the settled order and changes nothing.",
  tags,
  security: bearerAuth,
  request: {
    headers: z.object({
      'x-signature': z.string().describe('hex HMAC-SHA256, see the description'),
      'idempotency-key': idempotencyKeyHeader
    }),
    body: { required: false, ...jsonContent(processInput) }
  },
  responses: ksPayResponses(
    { status: 200, description: 'The settled order', result: processResultSchema },
    [
      ...BEARER_ERRORS,
      ...BODY_ERRORS,
      'missingInRequest',
      'noDataFound',
      'unauthorized',
      ...IDEMPOTENCY_ERRORS
    ]
  )
});

const byId = createRoute({
  method: 'get',
  path: '/txnId/{id}',
  summary: 'Fetch one transaction',
  tags,
  security: bearerAuth,
  request: { params: z.object({ id: z.string().describe('pe_txnId, e.g. tx_UOVynlQ0j') }) },
  responses: ksPayResponses(
    { status: 200, description: 'The transaction', result: transactionSchema },
    [...BEARER_ERRORS, 'noDataFound']
  )
});

const referenceParams = z.object({ referenceNumber: referenceNumberSchema });
const byReference = createRoute({
  method: 'get',
  path: '/referenceNo/{referenceNumber}',
  summary: "Fetch one transaction by the merchant's referenceNumber",
  description:
    "KS Pay's earlier reference: GET /transaction/referenceNo/{referenceNumber}. Only the token's app is searched; another app's reference answers 404 / 24 like a missing one.",
  tags,
  security: bearerAuth,
  request: { params: referenceParams },
  responses: ksPayResponses(
    { status: 200, description: 'The transaction', result: transactionSchema },
    [...BEARER_ERRORS, 'invalidRequest', 'noDataFound']
  )
});

const list = createRoute({
  method: 'get',
  path: '/',
  summary: 'List transactions, newest first',
  description: 'fromDate/toDate are UTC days (YYYY-MM-DD), inclusive.',
  tags,
  security: bearerAuth,
  request: { query: transactionListQuery },
  responses: ksPayResponses(
    { status: 200, description: 'A page of transactions', result: transactionListResultSchema },
    [
      ...BEARER_ERRORS,
      'invalidRequest',
      'datesExceedError',
      'dateRangeError',
      'startDateBeforeAppCreation',
      'startDateAfterToday',
      'startAndEndDateRequired',
      'endDateAfterToday',
      'pageShouldBePositive',
      'limitShouldBePositive'
    ]
  )
});

/** Transactions of the calling app only: another app's id answers 24 like a missing one. */
export function v1TransactionRoutes(s: Services) {
  const store = transactionStore(s.db, s.clock);
  const bearer = requireBearer(s);
  const bearerAndTransaction = bearerTransaction(s);
  const once = idempotent(s);

  // Every route checks its bearer token first (the route registry's security cases hold each
  // one to it), before the input is.
  return new RouteApp<V1Env>({ defaultHook: ksPayHook })
    .openapi({ ...initiate, middleware: [bearer, once] }, async (c) => {
      const input = c.req.valid('json');
      const { app, keyId, secretHash } = c.get('caller');
      if (input.appId !== undefined && input.appId !== app.id) {
        throw new KsPayError('unauthorizedAccess');
      }
      const currency = findCurrency(input.currencyId);
      if (!currency) throw new KsPayError('currencyNotExists');
      const method = findPaymentMethod(currency.id, input.paymentMethodId);
      if (!method) {
        throw new KsPayError('invalidPaymentMethodIds', {
          message: `The following payment method IDs does not exist in DB: ${input.paymentMethodId}`
        });
      }
      const { amountMinor } = input;
      // Normalised by the schema: the value stored is the value compared below.
      const redirectUrl = input.redirectUrl ?? null;
      const { row, created } = await store.initiate({
        appId: app.id,
        keyId,
        referenceNumber: input.referenceNumber,
        currencyId: currency.id,
        currencyCode: currency.code,
        paymentMethodId: method.id,
        paymentMode: method.name,
        gateway: SANDBOX_GATEWAY,
        amountMinor,
        redirectUrl,
        signatureDigest: (id) =>
          signatureDigest(
            transactionSignature(secretHash ?? '', {
              pe_txnId: id,
              referenceNumber: input.referenceNumber,
              amount: amountMinor / 100,
              currency: currency.code
            })
          )
      });
      // Idempotency: the same referenceNumber answers the same transaction, but only for the
      // same request; reusing it for different details is a client bug worth surfacing.
      const same =
        row.currency_id === currency.id &&
        row.payment_method_id === method.id &&
        row.amount_minor === amountMinor &&
        row.redirect_url === redirectUrl;
      if (!same) {
        throw new KsPayError('customError', {
          message: 'This referenceNumber was already used for a transaction with other details',
          status: 409
        });
      }
      if (!created) setV1Header(c, 'Idempotent-Replayed', 'true');
      const tx = toTransaction(row);
      return ok(c, 201, {
        pe_txnId: tx.pe_txnId,
        providerOrderId: tx.providerOrderId,
        amount: tx.amount,
        currency: tx.currency,
        status: tx.status,
        signature: transactionSignature(secretHash ?? '', tx)
      });
    })
    .openapi({ ...processRoute, middleware: [bearer, once, emptyBodyIsNone] }, async (c) => {
      const signature = c.req.header('x-signature');
      if (!signature) {
        throw new KsPayError('missingInRequest', { message: 'x-signature not present in Request' });
      }
      const { app, secretHash } = c.get('caller');
      const { pe_txnId: named } = c.req.valid('json');
      let row;
      if (named !== undefined) {
        row = await store.get(app.id, named);
        if (!row) throw new KsPayError('noDataFound');
      } else {
        // The signature names the transaction: looked up by its digest in the caller's app
        // only, so another app's signature finds nothing, exactly like a wrong one.
        row = signatureWellFormed(signature)
          ? await store.getBySignatureDigest(app.id, signatureDigest(signature))
          : null;
        if (!row) {
          throw new KsPayError('unauthorized', {
            message: 'The x-signature does not match a transaction of this app'
          });
        }
      }
      // Either way the signature must be this transaction's, made with the caller's pair.
      if (
        !signatureMatches(signature, transactionSignature(secretHash ?? '', toTransaction(row)))
      ) {
        throw new KsPayError('unauthorized', {
          message: 'The x-signature does not match this transaction'
        });
      }
      const settled = await store.settle(app.id, row.id, sandboxOutcome(row.amount_minor));
      if (!settled) throw new KsPayError('noDataFound');
      const order: Transaction = toTransaction(settled);
      return ok(c, 200, { order });
    })
    .openapi(byId, async (c) => {
      // The bearer check comes first here too, fused with the read (`bearerTransaction`); no
      // middleware or validator layer runs on this route (the payments hot path; benchmark 1).
      const json = await bearerAndTransaction(c, c.req.param('id'));
      if (json === null) throw new KsPayError('noDataFound');
      return okJson(c, 200, json);
    })
    .openapi({ ...byReference, middleware: [bearer] }, async (c) => {
      const { app } = c.get('caller');
      // Path parameters are checked here, after the bearer (http/openapi.ts): a malformed
      // reference (a NUL, a space, too long) answers 25 and never reaches a query.
      const parsed = referenceParams.safeParse({ referenceNumber: c.req.param('referenceNumber') });
      ksPayHook(parsed);
      const row = await store.getByReference(app.id, parsed.data?.referenceNumber ?? '');
      if (!row) throw new KsPayError('noDataFound');
      return ok(c, 200, toTransaction(row));
    })
    .openapi({ ...list, middleware: [bearer] }, async (c) => {
      const q = c.req.valid('query');
      const { app } = c.get('caller');
      const range = transactionRange(q.fromDate, q.toDate, app.createdAt, s.clock.now());
      const { page, limit } = pagination(q.page, q.limit);
      const { rows, total } = await store.list(app.id, { ...range, status: q.status, page, limit });
      return ok(c, 200, { transactions: rows.map(toTransaction), page, limit, total });
    });
}
