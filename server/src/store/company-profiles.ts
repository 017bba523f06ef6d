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

/**
 * One company profile per business (`company_profiles`, keyed by the business id). Its
 * business name is the business's one name, the one the switcher, the Team page and
 * invitations show: saving it renames the business (012 made each business's name from it),
 * and a profile without one reads the business's name.
 */
export function companyProfileStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    /** The business's profile; every field null (and `updatedAt` null) until first saved. */
    async get(businessId: string): Promise<CompanyProfile> {
      const r = await db
        .selectFrom('businesses')
        .leftJoin('company_profiles', 'company_profiles.business_id', 'businesses.id')
        .select([
          'businesses.name',
          'company_profiles.business_name',
          'company_profiles.website',
          'company_profiles.address',
          'company_profiles.country',
          'company_profiles.state',
          'company_profiles.city',
          'company_profiles.postal_code',
          'company_profiles.updated_at'
        ])
        .where('businesses.id', '=', businessId)
        .executeTakeFirst();
      if (!r) return EMPTY;
      return {
        businessName: r.business_name ?? r.name,
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
      const name = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('company_profiles')
          .values({ business_id: businessId, ...values })
          .onConflict((oc) => oc.column('business_id').doUpdateSet(values))
          .execute();
        if (f.businessName !== null) {
          await trx
            .updateTable('businesses')
            .set({ name: f.businessName })
            .where('id', '=', businessId)
            .execute();
          return f.businessName;
        }
        // Cleared: the business keeps the name it has (a business always has one).
        const kept = await trx
          .selectFrom('businesses')
          .select('name')
          .where('id', '=', businessId)
          .executeTakeFirst();
        return kept?.name ?? null;
      });
      return { ...f, businessName: name, updatedAt: values.updated_at };
    }
  };
}
