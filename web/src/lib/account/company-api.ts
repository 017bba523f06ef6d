import {
  companyProfileSchema,
  type CompanyProfile,
  type CompanyProfileFields
} from '@kspay/shared/company';
import { api } from '../api/client';
import { send } from '../api/errors';

/** `GET /api/company`: the merchant's company profile (fields null until saved). */
export async function getCompany(): Promise<CompanyProfile> {
  const res = await send(api.company.$get());
  return companyProfileSchema.parse(await res.json());
}

/** `PATCH /api/company`: saves the whole profile; the answer is what was stored. */
export async function saveCompany(input: CompanyProfileFields): Promise<CompanyProfile> {
  const res = await send(api.company.$patch({ json: input }));
  return companyProfileSchema.parse(await res.json());
}
