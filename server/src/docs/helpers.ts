import { envelopeSchema, errorBodySchema, ksPayErrorBodySchema } from '@kspay/shared';
import { z, type ZodType } from 'zod';

/** Building blocks of the OpenAPI document: JSON Schemas straight from the shared zod schemas. */
export type Json = Record<string, unknown>;

export const input = (s: ZodType) =>
  strip(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }));
export const output = (s: ZodType) =>
  strip(z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }));
function strip(schema: Json): Json {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

export const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
export const ksError = {
  description: 'KS Pay error envelope',
  ...json(output(ksPayErrorBodySchema))
};
export const apiError = { description: 'Error', ...json(output(errorBodySchema)) };
export const success = (description: string, result: ZodType) => ({
  description,
  ...json(output(envelopeSchema(result)))
});

export interface Op {
  summary: string;
  description?: string;
  tags: string[];
  security?: Json[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
}
export const param = (
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
export const body = (s: ZodType) => ({ required: true, ...json(input(s)) });

export const bearer = [{ bearerAuth: [] }];
export const appId = param('appId', 'path', 'App id, e.g. ap_rtk2WdyQR');
export const keyId = param('keyId', 'path', 'Key pair id, e.g. ak_4Xq0cVb2L');
