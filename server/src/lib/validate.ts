import { zValidator } from '@hono/zod-validator';
import { fieldErrors } from '@kspay/shared';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from './errors';

/**
 * The only way routes read input: a shared zod schema through @hono/zod-validator. A failure
 * becomes a 400 `validation_failed` naming the fields, before the handler runs.
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
