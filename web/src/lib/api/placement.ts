import type { ApiRequestError } from './errors';

/** Where an error is shown: next to fields, in the form's alert region, or as a toast. */
export interface Placement {
  fields: Record<string, string>;
  alert: string | null;
  toast: string | null;
}

/**
 * The one rule for showing errors. Without a form everything is a toast. With a form:
 * - field messages go next to the fields the form has; messages for fields it lacks go to
 *   its alert region, so nothing the server said is dropped;
 * - the overall message goes to the alert region unless a field already says the same, so a
 *   merchant (and a screen reader) does not get the same sentence twice;
 * - a failure of the connection or of the service is not about what was typed: it is a toast.
 */
export function placeError(err: ApiRequestError, formFields?: readonly string[]): Placement {
  if (!formFields) return { fields: {}, alert: null, toast: err.message };
  if (!err.isUserError) return { fields: {}, alert: null, toast: err.message };

  const fields: Record<string, string> = {};
  const stray: string[] = [];
  for (const [key, message] of Object.entries(err.fields)) {
    if (formFields.includes(key)) fields[key] = message;
    else stray.push(message);
  }
  const shownAtFields = new Set(Object.values(fields));
  const alertParts = [...(shownAtFields.has(err.message) ? [] : [err.message]), ...stray];
  const alert = [...new Set(alertParts)].join(' ') || null;
  return { fields, alert, toast: null };
}
