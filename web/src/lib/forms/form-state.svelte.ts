import { fieldErrors } from '@kspay/shared/errors';
import { tick } from 'svelte';
import type { z } from 'zod';
import type { ApiRequestError } from '../api/errors';
import { report, type ErrorTarget } from '../api/report';

/**
 * The state of one form: per-field errors, the alert message and whether a request is
 * running. Inputs use the field names as ids (see `TextField`), which is how the first
 * invalid field gets the focus back.
 */
export class FormState<Field extends string> implements ErrorTarget {
  errors = $state<Partial<Record<Field, string>>>({});
  alert = $state<string | null>(null);
  pending = $state(false);
  /** The last request's failure, for pages that branch on its code. */
  lastError = $state<ApiRequestError | null>(null);
  readonly fieldNames: readonly Field[];

  constructor(fieldNames: readonly Field[]) {
    this.fieldNames = fieldNames;
  }

  show(fields: Record<string, string>, alert: string | null): void {
    this.errors = fields as Partial<Record<Field, string>>;
    this.alert = alert;
    const first = this.fieldNames.find((name) => fields[name]);
    if (first) void tick().then(() => document.getElementById(first)?.focus());
  }

  /** Checks input with the shared schema before it leaves the browser; null when invalid. */
  check<S extends z.ZodType>(schema: S, values: z.input<S>): z.output<S> | null {
    const parsed = schema.safeParse(values);
    if (parsed.success) return parsed.data;
    this.show(fieldErrors(parsed.error), null);
    return null;
  }

  /** Runs a request; on failure the error is reported here and the result is undefined. */
  async run<T>(request: () => Promise<T>): Promise<T | undefined> {
    this.pending = true;
    this.errors = {};
    this.alert = null;
    this.lastError = null;
    try {
      return await request();
    } catch (err) {
      this.lastError = report(err, this);
      return undefined;
    } finally {
      this.pending = false;
    }
  }
}
