import { describe, expect, it } from 'vitest';
import { ApiRequestError, NETWORK_MESSAGE } from '$lib/api/errors';
import { openUserDb } from '$lib/device/db/database';
import { loadSnapshot } from '$lib/device/db/snapshots';
import { freshBrowser } from '$lib/device/sync/testing/idb';
import { OfflineRead, type ReadRequest } from './offline-read.svelte';

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
  const db = await openUserDb(
    `us_${Math.random().toString(36).slice(2)}`,
    'bu_read',
    freshBrowser()
  );
  return { db, read: new OfflineRead<Figures>(db) };
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

  it('a slow answer shows the stored copy meanwhile, marked as refreshing', async () => {
    const { read } = await setup();
    await read.load(request(() => Promise.resolve(answer(5))));
    let finish!: (f: Figures) => void;
    const reading = request(() => new Promise<Figures>((resolve) => (finish = resolve)));
    // Another view first, so the reload of this one starts from nothing on screen.
    await read.load(request(() => Promise.resolve(answer(6)), 'overview:ap_2'));
    const slow = read.load(reading);
    expect(read.state).toEqual({ kind: 'loading' });
    await expect.poll(() => read.state.kind, { timeout: 3000 }).toBe('snapshot');
    expect(read.state).toMatchObject({ data: answer(5), refreshing: true });
    finish(answer(8));
    await slow;
    expect(read.state).toEqual({ kind: 'fresh', data: answer(8) });
  });
});

describe('a list the page changes with the answers of actions (keys, domains)', () => {
  interface Pair {
    id: string;
  }
  const list = (fetch: () => Promise<Pair[]>): ReadRequest<Pair[]> => ({
    key: 'keys:ap_1',
    appId: 'ap_1',
    fetch
  });

  it('stays on screen when the connection goes, as this device copy with its time', async () => {
    const db = await openUserDb(
      `us_${Math.random().toString(36).slice(2)}`,
      'bu_read',
      freshBrowser()
    );
    const read = new OfflineRead<Pair[]>(
      db,
      list(() => Promise.resolve([{ id: 'k1' }]))
    );
    const before = new Date().toISOString();
    await read.load();
    const after = new Date().toISOString();
    expect(read.data).toEqual([{ id: 'k1' }]);
    expect(read.asOf).toBeNull();

    const reload = read.load(list(offline));
    expect(read.state.kind).toBe('fresh'); // no flash back to loading while it reloads
    await reload;
    expect(read.data).toEqual([{ id: 'k1' }]);
    // "As of" the time the answer on screen arrived.
    expect(read.asOf! >= before && read.asOf! <= after).toBe(true);

    // A new page (a reload offline) shows the stored copy with the time it was stored.
    const again = new OfflineRead<Pair[]>(db, list(offline));
    await again.load();
    expect(again.state).toMatchObject({ kind: 'snapshot', data: [{ id: 'k1' }] });
    expect(again.asOf).toEqual((await loadSnapshot<Pair[]>(db, 'keys:ap_1'))?.asOf);
  });

  it('an action answer wins over a list request still on its way, and is stored', async () => {
    const db = await openUserDb(
      `us_${Math.random().toString(36).slice(2)}`,
      'bu_read',
      freshBrowser()
    );
    let finish!: (p: Pair[]) => void;
    const read = new OfflineRead<Pair[]>(
      db,
      list(() => new Promise<Pair[]>((resolve) => (finish = resolve)))
    );
    const loading = read.load();
    read.set([{ id: 'k2' }]);
    finish([{ id: 'k1' }]);
    await loading;
    expect(read.state).toEqual({ kind: 'fresh', data: [{ id: 'k2' }] });
    await expect
      .poll(async () => (await loadSnapshot<Pair[]>(db, 'keys:ap_1'))?.data)
      .toEqual([{ id: 'k2' }]);
  });
});
