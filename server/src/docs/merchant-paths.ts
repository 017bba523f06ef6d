import {
  addDomainInput,
  apiKeySchema,
  auditListResponseSchema,
  domainSchema,
  keyCreatedResponseSchema,
  keyListResponseSchema,
  regenerateKeyInput
} from '@kspay/shared';
import { z, type ZodType } from 'zod';
import { apiError, appId, body, json, keyId, output, param, type Json, type Op } from './helpers';

/** The merchant console's key and settings routes (cookie session, `{error:{…}}` shape). */
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

export const merchantPaths: Record<string, Record<string, Op>> = {
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
