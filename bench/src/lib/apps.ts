import { randomInt } from 'node:crypto';
import { MAX_MUTATIONS_PER_PUSH, SYNC_SCHEMA_VERSION, type Mutation } from '@kspay/shared';
import { call } from './http';
import type { Merchant } from './server';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random62 = (n: number) => Array.from({ length: n }, () => BASE62[randomInt(62)]).join('');

export const newAppId = () => `ap_${random62(9)}`;
export const newClientId = () => `cl_${random62(22)}`;

/** A valid `app.create` (the server checks every field with the shared schemas). */
export function createMutation(id: number, appId: string, name: string): Mutation {
  return {
    id,
    name: 'app.create',
    args: {
      id: appId,
      fields: {
        name,
        email: 'owner@shop.example',
        address: '12 MG Road',
        phone: '+91 98765 43210',
        country: 'IN',
        state: 'IN-MH',
        city: 'Mumbai',
        postalCode: '400001'
      },
      logo: null
    }
  };
}

/** Creates `count` apps for a merchant through the real sync push, 50 per request. */
export async function seedApps(origin: string, m: Merchant, count: number, label: string) {
  const clientId = newClientId();
  // The apps belong to the business sign-up made for the merchant.
  const own = await call<{ businesses: { id: string }[] }>(origin, 'GET', '/api/businesses', {
    cookie: m.cookie
  });
  const businessId = own.businesses[0]?.id;
  const ids: string[] = [];
  for (let from = 0; from < count; from += MAX_MUTATIONS_PER_PUSH) {
    const mutations: Mutation[] = [];
    for (let i = from; i < Math.min(count, from + MAX_MUTATIONS_PER_PUSH); i++) {
      const appId = newAppId();
      ids.push(appId);
      mutations.push(createMutation(i + 1, appId, `${label} ${i + 1}`));
    }
    const res = await call<{ lastMutationId: number; rejections: unknown[] }>(
      origin,
      'POST',
      '/api/sync/push',
      {
        cookie: m.cookie,
        body: { businessId, clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations }
      }
    );
    if (res.rejections.length > 0) throw new Error(`seeding refused: ${JSON.stringify(res)}`);
  }
  return ids;
}
