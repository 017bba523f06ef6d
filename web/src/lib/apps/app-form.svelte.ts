import {
  appNameKey,
  callingCodeOf,
  validateAppFields,
  type AppFieldErrors,
  type AppFieldName,
  type AppFields
} from '@kspay/shared/apps';
import { PHONE_NEEDS_COUNTRY_CODE } from '@kspay/shared/phone';
import type { KspayDb } from '../device/db/database';
import type { Draft, DraftKind, DraftLogo } from '../device/db/types';
import { discardDraft, saveDraft } from '../device/drafts/drafts';
import { checkLogoFile, shrinkToFit, type LogoCheck } from './logo-file';

/** The form's raw text, exactly as typed; also what a draft stores. */
export interface AppFormValues {
  name: string;
  email: string;
  address: string;
  /** The country whose calling code goes before `phone` (unless `phone` starts with +). */
  phoneCountry: string;
  phone: string;
  country: string;
  state: string;
  city: string;
  postalCode: string;
}

/** `keep`: the app's current logo (edit only); `none`: no logo; `new`: a picked file. */
export type LogoChoice = { kind: 'none' } | { kind: 'keep' } | { kind: 'new'; logo: DraftLogo };

/** Field order on the page: the first invalid one gets the focus. */
export const FIELD_ORDER: readonly AppFieldName[] = [
  'logo',
  'name',
  'email',
  'address',
  'phone',
  'country',
  'state',
  'city',
  'postalCode'
];

export const emptyValues = (): AppFormValues => ({
  name: '',
  email: '',
  address: '',
  phoneCountry: '',
  phone: '',
  country: '',
  state: '',
  city: '',
  postalCode: ''
});

export function valuesFromDraft(draft: Draft): { values: AppFormValues; logo: LogoChoice } {
  const values = emptyValues();
  for (const key of Object.keys(values) as (keyof AppFormValues)[]) {
    const v = draft.values[key];
    if (typeof v === 'string') values[key] = v;
  }
  const choice = draft.values.logoChoice;
  const logo: LogoChoice =
    choice === 'new' && draft.logo
      ? { kind: 'new', logo: draft.logo }
      : choice === 'keep'
        ? { kind: 'keep' }
        : { kind: 'none' };
  return { values, logo };
}

/** The number as the schema wants it: with its country code, which the select may supply. */
export function composePhone(phoneCountry: string, phone: string): string {
  const text = phone.trim();
  if (text === '' || text.startsWith('+') || !phoneCountry) return text;
  const code = callingCodeOf(phoneCountry);
  return code ? `${code} ${text.replace(/^0+/, '')}` : text;
}

export interface AppFormOptions {
  db: KspayDb;
  kind: DraftKind;
  draftId: string;
  appId: string | null;
  values: AppFormValues;
  logo: LogoChoice;
  /** Name keys (`appNameKey`) of the merchant's OTHER apps: names are unique per merchant. */
  takenNames: () => ReadonlySet<string>;
  /** Shown at once, e.g. the server's reasons for refusing the last attempt. */
  errors?: AppFieldErrors;
}

/**
 * State of the register/edit form. Every change is saved as a draft (drafts.ts throttles the
 * writes); a field's error appears when the merchant leaves it after typing, and every error
 * on submit. The rules are the shared schema's, so the browser and the server agree.
 */
export class AppForm {
  values = $state<AppFormValues>(emptyValues());
  logo = $state.raw<LogoChoice>({ kind: 'none' });
  errors = $state<AppFieldErrors>({});
  /** An image over the limit, kept only so "Shrink to fit" can re-encode it. */
  tooLarge = $state.raw<Extract<LogoCheck, { ok: false }>['tooLarge'] | null>(null);
  shrinking = $state(false);
  submitting = $state(false);
  /** The draft could not be written (storage full or blocked). */
  draftError = $state<string | null>(null);
  /** Something was typed since the page opened (or a draft was restored). */
  hasDraft = $state(false);

  readonly #opts: AppFormOptions;
  // Read only by handlers, never rendered: no need for a reactive set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #dirty = new Set<AppFieldName>();

  constructor(opts: AppFormOptions, restored: boolean) {
    this.#opts = opts;
    this.values = { ...opts.values };
    this.logo = opts.logo;
    this.errors = { ...opts.errors };
    this.hasDraft = restored;
  }

  get draftId(): string {
    return this.#opts.draftId;
  }

  /** Call after every change of a field's value (input events). */
  changed(field?: AppFieldName): void {
    if (field) this.#dirty.add(field);
    // A shown error follows the typing, so it disappears as soon as the field is right.
    if (field && this.errors[field]) this.#recheck([field]);
    this.#save();
  }

  /** Leaving a field the merchant typed in shows what is wrong with it. */
  blur(field: AppFieldName): void {
    if (this.#dirty.has(field) || this.errors[field]) this.#recheck([field]);
  }

  setCountry(code: string): void {
    if (code === this.values.country) return;
    this.values.country = code;
    // A state belongs to one country. The phone's code follows the country while the merchant
    // has not picked one (or typed +code) themselves.
    this.values.state = '';
    const phone = this.values.phone.trim();
    if (code && !phone.startsWith('+') && (!phone || !this.values.phoneCountry)) {
      this.values.phoneCountry = code;
    }
    this.#dirty.add('country');
    const again: AppFieldName[] = ['country', 'state'];
    for (const f of ['postalCode', 'phone'] as const) {
      if (this.#dirty.has(f) || this.errors[f]) again.push(f);
    }
    this.#recheck(again);
    this.#save();
  }

  setState(code: string): void {
    this.values.state = code;
    this.changed('state');
  }

  async pickLogo(file: File): Promise<void> {
    const check = await checkLogoFile(file);
    this.tooLarge = check.ok ? null : (check.tooLarge ?? null);
    if (check.ok) {
      this.logo = { kind: 'new', logo: check.logo };
      this.errors.logo = undefined;
      this.changed();
    } else {
      this.errors.logo = check.message;
    }
  }

  async shrink(): Promise<void> {
    const big = this.tooLarge;
    if (!big) return;
    this.shrinking = true;
    try {
      const logo = await shrinkToFit(big.file, big.name, big.type);
      if (logo) {
        this.logo = { kind: 'new', logo };
        this.tooLarge = null;
        this.errors.logo = undefined;
        this.changed();
      } else {
        this.errors.logo = 'This image could not be made small enough. Please pick a smaller one.';
      }
    } finally {
      this.shrinking = false;
    }
  }

  removeLogo(): void {
    this.logo = { kind: 'none' };
    this.tooLarge = null;
    this.errors.logo = undefined;
    this.changed();
  }

  /** What the schema and the mutations take. */
  input() {
    const v = this.values;
    return {
      name: v.name,
      email: v.email,
      address: v.address,
      phone: composePhone(v.phoneCountry, v.phone),
      country: v.country,
      state: v.state,
      city: v.city,
      postalCode: v.postalCode
    };
  }

  #validate(): { value: AppFields | null; errors: AppFieldErrors } {
    const r = validateAppFields(this.input());
    const errors: AppFieldErrors = r.ok ? {} : { ...r.fields };
    // The form has a code picker: say so, rather than only "start with +".
    if (errors.phone === PHONE_NEEDS_COUNTRY_CODE) {
      errors.phone = 'Pick the country code, or type the number with + and the code';
    }
    if (this.#opts.takenNames().has(appNameKey(this.values.name.trim()))) {
      errors.name ??= 'You already have an app with this name';
    }
    if (this.tooLarge) errors.logo = this.errors.logo;
    const ok = r.ok && Object.values(errors).every((e) => !e);
    return { value: ok && r.ok ? r.value : null, errors };
  }

  #recheck(fields: AppFieldName[]): void {
    const { errors } = this.#validate();
    for (const f of fields) this.errors[f] = errors[f];
  }

  /** Checks every field: the normalised fields, or null with every error shown. */
  check(): AppFields | null {
    const { value, errors } = this.#validate();
    this.errors = errors;
    return value;
  }

  #save(): void {
    this.hasDraft = true;
    const logo = this.logo;
    saveDraft(this.#opts.db, {
      id: this.#opts.draftId,
      kind: this.#opts.kind,
      appId: this.#opts.appId,
      values: { ...this.values, logoChoice: logo.kind },
      logo: logo.kind === 'new' ? logo.logo : null
    }).then(
      () => (this.draftError = null),
      () => (this.draftError = 'Your draft could not be saved on this device.')
    );
  }

  async discard(): Promise<void> {
    await discardDraft(this.#opts.db, this.#opts.draftId);
    this.hasDraft = false;
  }
}
