import { hc } from 'hono/client';
import type { AppType } from '@kspay/server';

/**
 * The typed API client: request bodies and paths come from the server's routes (`AppType`),
 * so a renamed route or a changed schema fails the web typecheck instead of a merchant's
 * request. Same origin only: the session cookie is HttpOnly and never read by this code.
 * hono's client sets `Content-Type: application/json` on every `json:` body, which the
 * server requires of state-changing requests.
 */
export const api = hc<AppType>('/api', { init: { credentials: 'same-origin' } });
