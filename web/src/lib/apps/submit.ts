import type { AppFieldErrors } from '@kspay/shared/apps';
import { tick } from 'svelte';
import { LocalWriteError } from '../device/sync/errors';
import { FIELD_ORDER, type AppForm } from './app-form.svelte';

/**
 * A submit the local database refused (the input failed a rule, the app vanished, storage is
 * full): field errors go next to their fields, the rest is the form's alert message.
 */
export function submitError(form: AppForm, err: unknown): string | null {
  if (err instanceof LocalWriteError) {
    const fields = err.fields as AppFieldErrors;
    if (FIELD_ORDER.some((f) => fields[f])) {
      form.errors = { ...form.errors, ...fields };
      void focusFirstError(form);
      return null;
    }
    return err.message;
  }
  return 'Your app could not be saved on this device. Your input is kept as a draft; please try again.';
}

/** Moves the focus to the first field with an error (fields use their name as id). */
export async function focusFirstError(form: AppForm): Promise<void> {
  const first = FIELD_ORDER.find((f) => form.errors[f]);
  await tick();
  if (first) document.getElementById(first)?.focus();
}
