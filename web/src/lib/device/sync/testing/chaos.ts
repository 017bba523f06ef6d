import { appPushResponseSchema, pullResponseSchema } from '@kspay/shared/apps';
import type { FetchLike } from '../transport';

/**
 * Transport faults for the property test, and a log of what the server really did. The log
 * reads every answer BEFORE a fault may drop it, so it knows each mutation the server applied
 * (in server order) and each refusal, including those the client never heard about.
 */
export type Fault = 'none' | 'drop-request' | 'drop-response' | 'duplicate';

export interface Applied {
  client: number;
  mutationId: number;
}

export class ServerLog {
  /** Mutations the server applied or refused, in the order it did so. */
  readonly applied: Applied[] = [];
  /** `${client}:${mutationId}` → refusal code. */
  readonly refused = new Map<string, string>();
  /** Per client: mutation id → args as pushed (the first time). */
  readonly pushed: Map<number, { name: string; args: unknown }>[] = [];
  readonly last: number[] = [];

  client(i: number) {
    this.pushed[i] ??= new Map();
    this.last[i] ??= 0;
  }

  #advance(client: number, lastMutationId: number) {
    for (let id = this.last[client]! + 1; id <= lastMutationId; id++) {
      this.applied.push({ client, mutationId: id });
    }
    this.last[client] = Math.max(this.last[client]!, lastMutationId);
  }

  async observe(client: number, path: string, body: string, res: Response) {
    if (!res.ok) return;
    const json: unknown = await res.clone().json();
    if (path === '/api/sync/push') {
      const sent = JSON.parse(body) as { mutations: { id: number; name: string; args: unknown }[] };
      for (const m of sent.mutations) {
        if (!this.pushed[client]!.has(m.id)) this.pushed[client]!.set(m.id, m);
      }
      const r = appPushResponseSchema.parse(json);
      this.#advance(client, r.lastMutationId);
      for (const x of r.rejections) this.refused.set(`${client}:${x.mutationId}`, x.code);
    } else {
      const r = pullResponseSchema.parse(json);
      this.#advance(client, r.lastMutationId);
      for (const x of r.rejections) this.refused.set(`${client}:${x.mutationId}`, x.code);
    }
  }
}

/** A client's transport: plays the queued faults, one per request, then behaves. */
export function faultyTransport(client: number, server: FetchLike, log: ServerLog) {
  log.client(client);
  const queue: Fault[] = [];
  const send = async (input: string, init: RequestInit) => {
    const res = await server(input, init);
    await log.observe(client, input, init.body as string, res);
    return res;
  };
  const fetch: FetchLike = async (input, init) => {
    const fault = queue.shift() ?? 'none';
    if (fault === 'drop-request') throw new TypeError('request lost');
    if (fault === 'drop-response') {
      await send(input, init);
      throw new TypeError('answer lost');
    }
    if (fault === 'duplicate') {
      const [, second] = await Promise.all([send(input, init), send(input, init)]);
      return second;
    }
    return send(input, init);
  };
  return { fetch, faults: (f: Fault[]) => queue.splice(0, queue.length, ...f) };
}
