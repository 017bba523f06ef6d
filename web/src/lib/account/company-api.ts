import {
  companyProfileSchema,
  type CompanyProfile,
  type CompanyProfileFields
} from '@kspay/shared/company';
import { api } from '../api/client';
import { send } from '../api/errors';

/** `GET /api/businesses/:businessId/company`: the business's profile (fields null until saved). */
export async function getCompany(businessId: string): Promise<CompanyProfile> {
  const res = await send(api.businesses[':businessId'].company.$get({ param: { businessId } }));
  return companyProfileSchema.parse(await res.json());
}

/** `PATCH …/company` (Owners and Admins): saves the whole profile; the answer is what was stored. */
export async function saveCompany(
  businessId: string,
  input: CompanyProfileFields
): Promise<CompanyProfile> {
  const res = await send(
    api.businesses[':businessId'].company.$patch({ param: { businessId }, json: input })
  );
  return companyProfileSchema.parse(await res.json());
}
