import { z } from 'zod';
import { api } from '../api/client';
import { send } from '../api/errors';
import { businessSummarySchema, type BusinessSummary } from './selection';

const listSchema = z.object({ businesses: z.array(businessSummarySchema) });

/** `GET /api/businesses`: every business the signed-in person belongs to, with their role. */
export async function listBusinesses(): Promise<BusinessSummary[]> {
  const res = await send(api.businesses.$get());
  return listSchema.parse(await res.json()).businesses;
}
