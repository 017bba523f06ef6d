import { Hono } from 'hono';
import type { AppEnv, Services } from '../env';

export function healthRoutes(s: Services) {
  return new Hono<AppEnv>().get('/', (c) =>
    c.json({ ok: true as const, database: s.db.dialect, time: s.clock.now().toISOString() })
  );
}
