import type { CompanyProfile, CompanyProfileFields } from '@kspay/shared/company';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';

const EMPTY: CompanyProfile = {
  businessName: null,
  website: null,
  address: null,
  country: null,
  state: null,
  city: null,
  postalCode: null,
  updatedAt: null
};

/** One company profile per business (`company_profiles`, keyed by the business id). */
export function companyProfileStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    /** The business's profile; every field null (and `updatedAt` null) until first saved. */
    async get(businessId: string): Promise<CompanyProfile> {
      const r = await db
        .selectFrom('company_profiles')
        .selectAll()
        .where('business_id', '=', businessId)
        .executeTakeFirst();
      if (!r) return EMPTY;
      return {
        businessName: r.business_name,
        website: r.website,
        address: r.address,
        country: r.country,
        state: r.state,
        city: r.city,
        postalCode: r.postal_code,
        updatedAt: r.updated_at
      };
    },

    /** Saves the whole profile (a field left out is cleared); one row per business. */
    async save(businessId: string, f: CompanyProfileFields): Promise<CompanyProfile> {
      const values = {
        business_name: f.businessName,
        website: f.website,
        address: f.address,
        country: f.country,
        state: f.state,
        city: f.city,
        postal_code: f.postalCode,
        updated_at: clock.now().toISOString()
      };
      await db
        .insertInto('company_profiles')
        .values({ business_id: businessId, ...values })
        .onConflict((oc) => oc.column('business_id').doUpdateSet(values))
        .execute();
      return { ...f, updatedAt: values.updated_at };
    }
  };
}
