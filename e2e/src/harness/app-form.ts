import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What the "Register an App" form asks; unset fields get a valid shop in Bengaluru. */
export interface AppInput {
  name: string;
  email?: string;
  address?: string;
  phone?: string;
  country?: string;
  /** `''` leaves the State field alone. */
  state?: string;
  city?: string;
  postalCode?: string;
}

/** Chooses a country the way a merchant does: types its start, picks it from the list. */
export async function pickCountry(page: Page, name: string) {
  const box = page.getByRole('combobox', { name: 'Country', exact: true });
  await box.fill(name.slice(0, 4));
  await page.getByRole('option', { name, exact: true }).click();
  await expect.poll(() => box.inputValue(), { timeout: 5_000 }).toBe(name);
}

/** Fills the open registration form as a merchant would (India, Karnataka by default). */
export async function fillApp(page: Page, app: AppInput) {
  await page.getByLabel('App Name').fill(app.name);
  await page.getByLabel('Email').fill(app.email ?? 'pay@shop.example');
  await page.getByLabel('Address').fill(app.address ?? '12 MG Road');
  await pickCountry(page, app.country ?? 'India');
  if (app.state !== '') {
    const state = page.getByRole('combobox', { name: 'State', exact: true });
    await expect.poll(() => state.isEnabled(), { timeout: 5_000 }).toBe(true);
    await state.fill('Karn');
    await page.getByRole('option', { name: app.state ?? 'Karnataka' }).click();
  }
  await page.getByLabel('Phone Number').fill(app.phone ?? '98765 43210');
  await page.getByLabel('City').fill(app.city ?? 'Bengaluru');
  await page.getByLabel('Zip Code/Postal Code').fill(app.postalCode ?? '560038');
}

/** Opens the registration form (its code loads now, so it also works offline after). */
export async function openForm(page: Page) {
  await page.getByRole('link', { name: 'Add App' }).first().click();
  await page.getByRole('heading', { name: 'Register an App' }).waitFor();
}

/** Fills and submits the open registration form: a valid shop in Bengaluru. */
export async function submitApp(page: Page, name: string) {
  await fillApp(page, { name });
  await page.getByRole('button', { name: 'Add App' }).click();
  // Saved on this device (online or not) before the test moves on: leaving mid-save would keep
  // the form's draft, and the next "Add App" would reopen it.
  await page.getByText('App registered').first().waitFor();
}
