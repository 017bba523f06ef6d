import { zValidator } from '@hono/zod-validator';
import { fieldErrors } from '@kspay/shared';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from '../lib/errors';

/**
 * A validator layer of a shared zod schema, answered through `apiHook`. Route definitions
 * (`createRoute`) validate bodies and queries by themselves (http/openapi.ts); this is for the
 * input a definition documents but does not validate: the logo route's path parameter.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T
) {
  return zValidator(target, schema, apiHook);
}

/** The `/api` validation hook: a failure is a 400 `validation_failed` naming the fields. */
export const apiHook = (result: { success: boolean; error?: unknown }): void => {
  if (!result.success) {
    throw new ApiError(
      'validation_failed',
      'Some fields need attention',
      fieldErrors(result.error as never)
    );
  }
};
