import { describe, expect, it } from 'vitest';
import { openUserDb } from '../device/db/database';
import type { LocalApp } from '../device/db/types';
import { flushDrafts, loadDraft } from '../device/drafts/drafts';
import { freshBrowser } from '../device/sync/testing/idb';
import {
  AppForm,
  composePhone,
  emptyValues,
  valuesFromDraft,
  type AppFormValues
} from './app-form.svelte';
import { editValues } from './edit-values';
import { timeAgo } from './format';

const valid: AppFormValues = {
  name: 'Corner Shop',
  email: 'Pay@Corner.example',
  address: '12 MG Road',
  phoneCountry: 'IN',
  phone: '098765 43210',
  country: 'IN',
  state: 'IN-KA',
  city: 'Bengaluru',
  postalCode: '560038'
};

async function newForm(values: Partial<AppFormValues> = {}, taken: string[] = []) {
  const db = await openUserDb('us_form', 'bu_form', freshBrowser());
  const form = new AppForm(
    {
      db,
      kind: 'app-register',
      draftId: 'dr_form',
      appId: null,
      values: { ...emptyValues(), ...values },
      logo: { kind: 'none' },
      takenNames: () => new Set(taken)
    },
    false
  );
  return { db, form };
}

describe('the app form', () => {
  it('puts the chosen country code before a number typed without one (a leading 0 dropped)', () => {
    expect(composePhone('IN', '098765 43210')).toBe('+91 98765 43210');
    expect(composePhone('IN', '+44 20 7946 0958')).toBe('+44 20 7946 0958');
    expect(composePhone('', '98765 43210')).toBe('98765 43210');
    expect(composePhone('IN', '  ')).toBe('');
  });

  it('accepts a valid form and hands over the normalised fields (E.164 phone)', async () => {
    const { form } = await newForm(valid);
    expect(form.check()).toMatchObject({
      email: 'pay@corner.example',
      phone: '+919876543210',
      state: 'IN-KA'
    });
    expect(form.errors).toEqual({});
  });

  it('says nothing about a field before the merchant typed in it, then says what is wrong', async () => {
    const { form } = await newForm();
    form.blur('email');
    expect(form.errors.email).toBeUndefined();
    form.values.email = 'not an email';
    form.changed('email');
    form.blur('email');
    expect(form.errors.email).toMatch(/valid email/);
    form.values.email = 'ok@shop.example';
    form.changed('email');
    expect(form.errors.email).toBeUndefined();
  });

  it('empties the state when the country changes and takes its calling code for the phone', async () => {
    const { form } = await newForm({ ...valid, phoneCountry: '', phone: '20 7946 0958' });
    form.setCountry('GB');
    expect(form.values.state).toBe('');
    expect(form.values.phoneCountry).toBe('GB');
    form.values.postalCode = 'SW1A 1AA';
    expect(form.check()).toMatchObject({ country: 'GB', state: null, phone: '+442079460958' });
  });

  it('asks for the country code when a number is typed without one and no code is picked', async () => {
    const { form } = await newForm({ ...valid, phoneCountry: '', phone: '98765 43210' });
    expect(form.check()).toBeNull();
    expect(form.errors.phone).toBe('Pick the country code, or type the number with + and the code');
  });

  it('refuses a name the merchant already uses, whatever its case', async () => {
    const { form } = await newForm({ ...valid, name: 'corner SHOP' }, ['corner shop']);
    expect(form.check()).toBeNull();
    expect(form.errors.name).toBe('You already have an app with this name');
  });

  it('refuses a state of another country and a postcode that does not fit the country', async () => {
    const { form } = await newForm({ ...valid, state: 'US-CA', postalCode: 'SW1A 1AA' });
    expect(form.check()).toBeNull();
    expect(form.errors.state).toBe('Choose a state of India');
    expect(form.errors.postalCode).toBe('This is not a valid postal code for India');
  });

  it('saves every change as a draft that restores the same form', async () => {
    const { db, form } = await newForm();
    form.values.name = 'Half';
    form.changed('name');
    form.setCountry('IN');
    await flushDrafts(db);
    const draft = await loadDraft(db, 'dr_form');
    expect(draft).toBeDefined();
    expect(valuesFromDraft(draft!)).toEqual({
      values: { ...emptyValues(), name: 'Half', country: 'IN', phoneCountry: 'IN' },
      logo: { kind: 'none' }
    });
  });

  it('offers the refused input again when KS Pay refused an edit', () => {
    const app = {
      ...valid,
      id: 'ap_123456789',
      phone: '+919876543210',
      state: null,
      city: null,
      logoHash: 'abc',
      localLogo: null,
      syncError: {
        name: 'app.update',
        args: { fields: { ...valid, name: 'Taken Name', phone: null } }
      }
    } as unknown as LocalApp;
    const { values, logo } = editValues(app);
    expect(values.name).toBe('Taken Name');
    expect(logo).toEqual({ kind: 'keep' });
    expect(editValues({ ...app, syncError: null }).values).toMatchObject({
      name: 'Corner Shop',
      phone: '+91 98765 43210',
      state: ''
    });
  });

  it('tells how long ago something happened in plain words', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(timeAgo('2026-03-01T11:59:40Z', now)).toBe('just now');
    expect(timeAgo('2026-03-01T11:58:00Z', now)).toBe('2 min ago');
    expect(timeAgo('2026-03-01T09:00:00Z', now)).toBe('3 h ago');
    expect(timeAgo('2026-02-28T10:00:00Z', now)).toBe('yesterday');
  });
});
