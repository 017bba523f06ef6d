import { businessListSchema, type MemberBusiness } from '@kspay/shared/businesses';
import { api } from '../api/client';
import { send } from '../api/errors';

/** `GET /api/businesses`: every business the signed-in person belongs to, with their role. */
export async function listBusinesses(): Promise<MemberBusiness[]> {
  const res = await send(api.businesses.$get());
  return businessListSchema.parse(await res.json()).businesses;
}
