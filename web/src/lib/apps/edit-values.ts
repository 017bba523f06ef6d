import { formatPhone, type AppFieldsInput } from '@kspay/shared/apps';
import type { LocalApp } from '../device/db/types';
import type { AppFormValues, LogoChoice } from './app-form.svelte';

/**
 * The edit form's starting values: the app as this device shows it, or, when KS Pay refused
 * the last change, the merchant's refused input (so fixing it does not mean typing it again).
 */
export function editValues(app: LocalApp): { values: AppFormValues; logo: LogoChoice } {
  const refused = app.syncError;
  const args = refused?.args as { fields?: AppFieldsInput } | null | undefined;
  const f: AppFieldsInput =
    refused && (refused.name === 'app.update' || refused.name === 'app.create') && args?.fields
      ? args.fields
      : app;
  const phone = f.phone ?? '';
  return {
    values: {
      name: f.name,
      email: f.email,
      address: f.address,
      phoneCountry: '',
      // E.164 shown the international way; a number starting with + needs no code select.
      phone: phone.startsWith('+') ? formatPhone(phone) : phone,
      country: f.country,
      state: f.state ?? '',
      city: f.city ?? '',
      postalCode: f.postalCode
    },
    logo: app.logoHash || app.localLogo ? { kind: 'keep' } : { kind: 'none' }
  };
}
