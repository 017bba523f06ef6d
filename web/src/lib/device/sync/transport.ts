import { errorBodySchema } from '@kspay/shared/errors';
import type { z } from 'zod';
import { SyncError } from './errors';

/** What the engine needs of `fetch`; tests plug the real server's `app.request` in here. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * POSTs one sync request (same origin, the session cookie goes along) and returns the parsed
 * answer, or throws a SyncError saying what the failure means for the engine. An answer that
 * does not match the protocol is treated as transient: nothing from it reaches the database.
 */
export async function postSync<S extends z.ZodType>(
  fetchFn: FetchLike,
  path: '/api/sync/push' | '/api/sync/pull',
  body: unknown,
  schema: S
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetchFn(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body)
    });
  } catch {
    throw new SyncError('transient', 'KS Pay could not be reached');
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    // An empty or non-JSON body (a proxy's error page): judged by the status below.
  }
  if (res.ok) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new SyncError('transient', 'The server sent an answer this app does not understand');
  }
  const error = errorBodySchema.safeParse(json);
  const code = error.success ? error.data.error.code : null;
  const message = error.success ? error.data.error.message : `Sync failed (${res.status})`;
  if (res.status === 401) throw new SyncError('signed-out', message, 401, code);
  // The server refuses an unknown schema version with its own code: the app offers its update.
  if (code === 'client_outdated') throw new SyncError('update-required', message, res.status, code);
  if (code === 'not_a_member') throw new SyncError('not-a-member', message, res.status, code);
  if (code === 'mutation_gap') throw new SyncError('gap', message, res.status, code);
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    throw new SyncError('transient', message, res.status, code);
  }
  throw new SyncError('refused', message, res.status, code);
}
