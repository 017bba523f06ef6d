import { toast } from 'svelte-sonner';
import { toApiError, type ApiRequestError } from './errors';
import { placeError } from './placement';

/** A form that can show errors: `FormState` implements it. */
export interface ErrorTarget {
  readonly fieldNames: readonly string[];
  show(fields: Record<string, string>, alert: string | null): void;
}

/**
 * The app's one error handler: every failed request ends here, so nothing fails silently.
 * Returns the normalised error for callers that branch on its code (e.g. an expired link).
 */
export function report(err: unknown, target?: ErrorTarget): ApiRequestError {
  const error = toApiError(err);
  const placement = placeError(error, target?.fieldNames);
  target?.show(placement.fields, placement.alert);
  if (placement.toast) toast.error(placement.toast);
  return error;
}
