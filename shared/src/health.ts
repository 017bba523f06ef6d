import { z } from 'zod';

/** `GET /api/health`: the server answers, with the database it runs on and its clock. */
export const healthSchema = z.object({
  ok: z.literal(true),
  database: z.enum(['sqlite', 'postgres']),
  time: z.string()
});
export type Health = z.infer<typeof healthSchema>;
