import { Hono } from 'hono';
import type { AppEnv, Services } from '../env';

// Placeholder: filled in by the accounts work.
export function authRoutes(_s: Services) {
  return new Hono<AppEnv>();
}
