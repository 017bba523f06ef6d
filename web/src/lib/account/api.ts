import { accountSchema, type Account, type AccountUpdateInput } from '@kspay/shared/auth';
import { api } from '../api/client';
import { send } from '../api/errors';

/** `GET /api/account`: the signed-in merchant's settings (server/src/console/account.ts). */
export async function getAccount(): Promise<Account> {
  const res = await send(api.account.$get());
  return accountSchema.parse(await res.json());
}

/** `PATCH /api/account`: the answer is the account as saved. */
export async function updateAccount(input: AccountUpdateInput): Promise<Account> {
  const res = await send(api.account.$patch({ json: input }));
  return accountSchema.parse(await res.json());
}
