import {
  auditListResponseSchema,
  domainListResponseSchema,
  domainSchema,
  keyCreatedResponseSchema,
  keyListResponseSchema,
  keyResponseSchema,
  type ApiKey,
  type AuditListResponse,
  type Domain,
  type KeyCreatedResponse,
  type KeyGrace
} from '@kspay/shared/app-settings';
import { sessionInfoSchema, type SessionInfo } from '@kspay/shared/auth';
import { api } from '../api/client';
import { send } from '../api/errors';

/**
 * The Settings API of one app (server/src/console/keys.ts and app-settings.ts). Answers are
 * checked against the shared schemas. The secret of a new pair is returned to the caller and
 * nowhere else: nothing here stores, caches or logs it.
 */
const app = api.apps[':appId'];
const key = app.keys[':keyId'];

export async function listKeys(appId: string): Promise<ApiKey[]> {
  const res = await send(app.keys.$get({ param: { appId } }));
  return keyListResponseSchema.parse(await res.json()).keys;
}

export async function generateKey(appId: string): Promise<KeyCreatedResponse> {
  const res = await send(app.keys.$post({ param: { appId } }));
  return keyCreatedResponseSchema.parse(await res.json());
}

export async function regenerateKey(
  appId: string,
  keyId: string,
  grace: KeyGrace
): Promise<KeyCreatedResponse> {
  const res = await send(key.regenerate.$post({ param: { appId, keyId }, json: { grace } }));
  return keyCreatedResponseSchema.parse(await res.json());
}

export async function disableKey(appId: string, keyId: string): Promise<ApiKey> {
  const res = await send(key.disable.$post({ param: { appId, keyId } }));
  return keyResponseSchema.parse(await res.json()).key;
}

export async function enableKey(appId: string, keyId: string): Promise<ApiKey> {
  const res = await send(key.enable.$post({ param: { appId, keyId } }));
  return keyResponseSchema.parse(await res.json()).key;
}

export async function listAudit(
  appId: string,
  before: string | null,
  limit = 25
): Promise<AuditListResponse> {
  const query = before ? { limit: String(limit), before } : { limit: String(limit) };
  const res = await send(app.audit.$get({ param: { appId }, query }));
  return auditListResponseSchema.parse(await res.json());
}

export async function listDomains(appId: string): Promise<Domain[]> {
  const res = await send(app.domains.$get({ param: { appId } }));
  return domainListResponseSchema.parse(await res.json()).domains;
}

export async function addDomain(appId: string, origin: string): Promise<Domain> {
  const res = await send(app.domains.$post({ param: { appId }, json: { origin } }));
  return domainSchema.parse((await res.json()).domain);
}

export async function removeDomain(appId: string, domainId: string): Promise<void> {
  await send(app.domains[':domainId'].$delete({ param: { appId, domainId } }));
}

/** Confirms the password for key actions; the answer is the session with a new `authenticatedAt`. */
export async function reauthenticate(password: string): Promise<SessionInfo> {
  const res = await send(api.auth.reauthenticate.$post({ json: { password } }));
  return sessionInfoSchema.parse(await res.json());
}
