import { appSetStatusArgs, type AppStatus } from '@kspay/shared/app-record';
import { toast } from 'svelte-sonner';
import type { KspayDb } from '../device/db/database';
import type { LocalApp } from '../device/db/types';
import { LocalWriteError } from '../device/sync/errors';
import { uploadToBlob } from '../device/sync/logo';
import { dismissSyncError, setAppStatus, updateApp } from '../device/sync/mutations';
import { loadAppRules } from './validation';

/**
 * The app actions a merchant triggers outside the form, each one local write (it works offline
 * and syncs later) with its outcome told in a toast. A refusal of the write itself (the app
 * vanished meanwhile) is said in words; nothing fails silently.
 */
function failed(err: unknown, what: string): void {
  toast.error(
    err instanceof LocalWriteError ? err.message : `${what} did not work on this device.`
  );
}

export async function changeStatus(db: KspayDb, app: LocalApp, status: AppStatus): Promise<void> {
  try {
    await setAppStatus(db, app.id, status);
    toast.success(status === 'disabled' ? 'App disabled' : 'App enabled', {
      description: navigator.onLine ? undefined : 'It will sync when you are back online.'
    });
  } catch (err) {
    failed(err, status === 'disabled' ? 'Disabling the app' : 'Enabling the app');
  }
}

/** The merchant has read the server's refusal and lets it go. */
export async function dismiss(db: KspayDb, app: LocalApp): Promise<void> {
  try {
    await dismissSyncError(db, app.id);
  } catch (err) {
    failed(err, 'Dismissing the message');
  }
}

/**
 * A conflict: another device changed the app after this one read it, so the server refused
 * this device's change and sent its row (now shown). "Apply my change again" re-issues the
 * refused change on top of the server's latest version.
 */
export async function reapply(db: KspayDb, app: LocalApp): Promise<void> {
  const refused = app.syncError;
  try {
    if (refused?.name === 'app.update') {
      const { appUpdateArgs } = await loadAppRules();
      const args = appUpdateArgs.parse(refused.args);
      const logo = args.logo === undefined ? undefined : args.logo && uploadToBlob(args.logo);
      await updateApp(db, app.id, args.fields, logo);
    } else if (refused?.name === 'app.setStatus') {
      await setAppStatus(db, app.id, appSetStatusArgs.parse(refused.args).status);
    } else {
      await dismissSyncError(db, app.id);
      return;
    }
    toast.success('Your change was applied again');
  } catch (err) {
    failed(err, 'Applying your change');
  }
}
