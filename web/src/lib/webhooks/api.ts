import {
  deliveryListResponseSchema,
  webhookListResponseSchema,
  webhookResponseSchema,
  webhookSecretResponseSchema,
  type EventType,
  type WebhookDelivery,
  type WebhookEndpoint
} from '@kspay/shared/webhooks';
import { api } from '../api/client';
import { send } from '../api/errors';

/**
 * The Webhooks API of one app (server/src/console/webhooks.ts). A signing secret is returned
 * to the caller of `addEndpoint` / `rotateSecret` and nowhere else: nothing here stores,
 * caches or logs it.
 */
const app = api.apps[':appId'];
const endpoint = app.webhooks[':endpointId'];

export async function listEndpoints(appId: string): Promise<WebhookEndpoint[]> {
  const res = await send(app.webhooks.$get({ param: { appId } }));
  return webhookListResponseSchema.parse(await res.json()).endpoints;
}

export async function addEndpoint(appId: string, url: string, events: EventType[]) {
  const res = await send(app.webhooks.$post({ param: { appId }, json: { url, events } }));
  return webhookSecretResponseSchema.parse(await res.json());
}

export async function rotateSecret(appId: string, endpointId: string) {
  const res = await send(endpoint.rotate.$post({ param: { appId, endpointId } }));
  return webhookSecretResponseSchema.parse(await res.json());
}

export async function setEnabled(appId: string, endpointId: string, enabled: boolean) {
  const res = await send(endpoint.$patch({ param: { appId, endpointId }, json: { enabled } }));
  return webhookResponseSchema.parse(await res.json()).endpoint;
}

export async function sendTestEvent(appId: string, endpointId: string): Promise<void> {
  await send(endpoint.test.$post({ param: { appId, endpointId } }));
}

export async function listDeliveries(
  appId: string,
  endpointId: string
): Promise<WebhookDelivery[]> {
  const res = await send(
    endpoint.deliveries.$get({ param: { appId, endpointId }, query: { limit: '25' } })
  );
  return deliveryListResponseSchema.parse(await res.json()).deliveries;
}

export async function resendEvent(appId: string, endpointId: string, eventId: string) {
  await send(endpoint.resend.$post({ param: { appId, endpointId }, json: { eventId } }));
}
