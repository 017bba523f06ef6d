import { describe, expect, it } from 'vitest';
import { ApiRequestError, NETWORK_MESSAGE } from '$lib/api/errors';
import { openUserDb } from '$lib/device/db/database';
import { loadSnapshot } from '$lib/device/db/snapshots';
import { freshBrowser } from '$lib/device/sync/testing/idb';
import { SnapshotRead, type ReadRequest } from './snapshot-read.svelte';

interface Figures {
  total: number;
  asOf: string;
}

const offline = () => Promise.reject(new TypeError('Failed to fetch'));
const request = (fetch: () => Promise<Figures>, key = 'overview:ap_1'): ReadRequest<Figures> => ({
  key,
  appId: 'ap_1',
  fetch,
  asOf: (f) => f.asOf
});
const answer = (total: number): Figures => ({ total, asOf: '2026-12-02T10:41:00.000Z' });

async function setup() {
  const db = await openUserDb(`us_${Math.random().toString(36).slice(2)}`, freshBrowser());
  return { db, read: new SnapshotRead<Figures>(db) };
}

describe('a page read offline from its last answer', () => {
  it('stores the answer, then shows it with its server time when the server cannot be reached', async () => {
    const { db, read } = await setup();
    await read.load(request(() => Promise.resolve(answer(42))));
    expect(read.state).toEqual({ kind: 'fresh', data: answer(42) });
    expect((await loadSnapshot<Figures>(db, 'overview:ap_1'))?.data).toEqual(answer(42));

    await read.load(request(offline));
    expect(read.state).toEqual({
      kind: 'snapshot',
      data: answer(42),
      asOf: '2026-12-02T10:41:00.000Z',
      refreshing: false
    });
  });

  it('says the view is not on this device when nothing was stored for it', async () => {
    const { read } = await setup();
    await read.load(request(offline));
    expect(read.state).toEqual({ kind: 'unavailable' });
  });

  it('shows a refusal as it is, never an old copy in its place', async () => {
    const { read } = await setup();
    await read.load(request(() => Promise.resolve(answer(1))));
    const refused = new ApiRequestError(404, 'not_found', 'No such app');
    await read.load(request(() => Promise.reject(refused)));
    expect(read.state).toEqual({ kind: 'error', error: refused });
  });

  it('a gateway standing in for a server that is down counts as unreachable', async () => {
    const { read } = await setup();
    await read.load(request(() => Promise.resolve(answer(3))));
    const down = new ApiRequestError(503, 'unavailable', NETWORK_MESSAGE);
    await read.load(request(() => Promise.reject(down)));
    expect(read.state.kind).toBe('snapshot');
  });

  it('an answer for a view the merchant already left does not replace the current one', async () => {
    const { read } = await setup();
    let finishOld!: (f: Figures) => void;
    const old = read.load(
      request(
        () => new Promise<Figures>((resolve) => (finishOld = resolve)),
        'transactions:ap_1:q=tx_a'
      )
    );
    await read.load(request(() => Promise.resolve(answer(7)), 'transactions:ap_1:q=tx_b'));
    finishOld(answer(99));
    await old;
    expect(read.state).toEqual({ kind: 'fresh', data: answer(7) });
  });
});
