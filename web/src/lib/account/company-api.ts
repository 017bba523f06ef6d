import { businessListSchema } from '@kspay/shared/businesses';
import {
  companyProfileSchema,
  type CompanyProfile,
  type CompanyProfileFields
} from '@kspay/shared/company';
import { api } from '../api/client';
import { send } from '../api/errors';

/**
 * The business whose profile is shown: the one given, else the caller's first membership (the
 * business sign-up made for them) until the app has a current-business switcher.
 */
async function businessOf(businessId?: string): Promise<string> {
  if (businessId) return businessId;
  const res = await send(api.businesses.$get());
  const [first] = businessListSchema.parse(await res.json()).businesses;
  if (!first) throw new Error('This account belongs to no business');
  return first.id;
}

/** `GET /api/businesses/:businessId/company`: the company profile (fields null until saved). */
export async function getCompany(businessId?: string): Promise<CompanyProfile> {
  const param = { businessId: await businessOf(businessId) };
  const res = await send(api.businesses[':businessId'].company.$get({ param }));
  return companyProfileSchema.parse(await res.json());
}

/** `PATCH /api/businesses/:businessId/company`: saves the whole profile, answers what was stored. */
export async function saveCompany(
  input: CompanyProfileFields,
  businessId?: string
): Promise<CompanyProfile> {
  const param = { businessId: await businessOf(businessId) };
  const res = await send(api.businesses[':businessId'].company.$patch({ param, json: input }));
  return companyProfileSchema.parse(await res.json());
}
