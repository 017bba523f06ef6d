import { z } from 'zod';
import { businessIdSchema } from './ids';
import { roleSchema } from './roles';

/** One business of the caller's, as `GET /api/businesses` lists it. */
export const memberBusinessSchema = z.object({
  id: businessIdSchema,
  name: z.string(),
  role: roleSchema
});
export type MemberBusiness = z.infer<typeof memberBusinessSchema>;

export const businessListSchema = z.object({ businesses: z.array(memberBusinessSchema) });
export type BusinessList = z.infer<typeof businessListSchema>;

/** A path parameter naming a business, e.g. `/api/businesses/:businessId/company`. */
export const businessParamsSchema = z.object({
  businessId: z.string().describe('Business id, e.g. bu_rtk2WdyQR')
});
