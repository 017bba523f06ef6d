import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/errors';
import { Businesses, type BusinessApi } from './business.svelte';
import {
  afterLosing,
  chooseBusiness,
  switcherOrder,
  type BusinessMemory,
  type BusinessSummary
} from './selection';

const USER = 'us_member001';
const own: BusinessSummary = { id: 'bu_member001', name: 'Asha Traders', role: 'owner' };
const joined: BusinessSummary = { id: 'bu_joined001', name: 'Bakery Co', role: 'developer' };
const viewing: BusinessSummary = { id: 'bu_viewer001', name: 'Chai & Co.', role: 'viewer' };

function memory(): BusinessMemory & {
  lists: Map<string, BusinessSummary[]>;
  current: Map<string, string>;
} {
  const lists = new Map<string, BusinessSummary[]>();
  const current = new Map<string, string>();
  return {
    lists,
    current,
    readList: (u) => lists.get(u) ?? null,
    writeList: (u, list) => (list ? lists.set(u, list) : lists.delete(u)),
    readCurrent: (u) => current.get(u) ?? null,
    writeCurrent: (u, id) => current.set(u, id)
  };
}

const offline = () => Promise.reject(new ApiRequestError(0, 'network', 'offline'));
const answering = (list: BusinessSummary[]): BusinessApi => ({
  list: vi.fn(() => Promise.resolve(list))
});

describe('choosing the business to open', () => {
  it('returns to the remembered business while the person still belongs to it', () => {
    expect(chooseBusiness([own, joined], joined.id)).toBe(joined);
  });

  it('otherwise opens the one they own, else the first listed', () => {
    expect(chooseBusiness([joined, own], 'bu_gone00001')).toBe(own);
    expect(chooseBusiness([viewing, joined], null)).toBe(viewing);
    expect(chooseBusiness([], own.id)).toBeNull();
  });

  it('after losing the current business, moves to another and never back to the lost one', () => {
    const { list, next } = afterLosing([joined, own, viewing], own.id);
    expect(list).toEqual([joined, viewing]);
    expect(next).toBe(joined);
    expect(afterLosing([own], own.id).next).toBeNull();
  });

  it('lists the switcher by name', () => {
    expect(switcherOrder([viewing, own, joined]).map((b) => b.name)).toEqual([
      'Asha Traders',
      'Bakery Co',
      'Chai & Co.'
    ]);
  });
});

describe('Businesses', () => {
  it("loads the server's list once per sign-in, remembers it and the current business", async () => {
    const mem = memory();
    const list = vi.fn(() => Promise.resolve([own, joined]));
    const b = new Businesses({ list }, mem);
    expect(await b.load(USER)).toEqual(own);
    await b.load(USER);
    expect(list).toHaveBeenCalledTimes(1);
    expect(b.select(joined.id)).toEqual(joined);
    expect(b.role).toBe('developer');
    expect(b.can('apps.write')).toBe(true);
    expect(b.can('keys.manage')).toBe(false);
    expect(mem.lists.get(USER)).toEqual([own, joined]);
    expect(mem.current.get(USER)).toBe(joined.id);

    // The next sign-in on this device returns to the business last worked in.
    const again = new Businesses(answering([own, joined]), mem);
    expect(await again.load(USER)).toEqual(joined);
  });

  it('offline, opens from the remembered list with the remembered role', async () => {
    const mem = memory();
    mem.lists.set(USER, [own, viewing]);
    mem.current.set(USER, viewing.id);
    const b = new Businesses({ list: offline }, mem);
    expect(await b.load(USER)).toEqual(viewing);
    expect(b.can('read')).toBe(true);
    expect(b.can('apps.write')).toBe(false);
  });

  it('offline with nothing remembered, an account from before teams works in the business 012 made for it', async () => {
    const b = new Businesses({ list: offline }, memory());
    expect(await b.load(USER)).toEqual({ id: own.id, name: 'Your business', role: 'owner' });
  });

  it('a server refusal is not mistaken for being offline', async () => {
    const b = new Businesses(
      { list: () => Promise.reject(new ApiRequestError(500, 'internal', 'broken')) },
      memory()
    );
    await expect(b.load(USER)).rejects.toThrow('broken');
  });

  it('a refresh sees a role changed on the server (a demotion hides what the server would refuse)', async () => {
    let list = [own, { ...joined, role: 'developer' as const }];
    const b = new Businesses({ list: () => Promise.resolve(list) }, memory());
    await b.load(USER);
    b.select(joined.id);
    expect(b.can('apps.write')).toBe(true);
    list = [own, { ...joined, role: 'viewer' }];
    await b.refresh();
    expect(b.current?.id).toBe(joined.id);
    expect(b.can('apps.write')).toBe(false);
  });

  it('losing the current business moves to another and forgets the lost one on this device', async () => {
    const mem = memory();
    const b = new Businesses(answering([own, joined]), mem);
    await b.load(USER);
    b.select(joined.id);
    expect(b.lose(joined.id)).toEqual(own);
    expect(b.list).toEqual([own]);
    expect(mem.lists.get(USER)).toEqual([own]);
    expect(mem.current.get(USER)).toBe(own.id);
  });

  it('a joined business is listed and current at once, also for the next load', async () => {
    const b = new Businesses(answering([own]), memory());
    await b.load(USER);
    b.joined(viewing);
    expect(b.current).toEqual(viewing);
    expect(await b.load(USER)).toEqual(viewing);
    expect(b.list.map((x) => x.id)).toEqual([own.id, viewing.id]);
  });

  it("sign-out forgets the list (user data) and another user's sign-in never sees it", async () => {
    const mem = memory();
    const b = new Businesses(answering([own, joined]), mem);
    await b.load(USER);
    b.forget(USER);
    expect(b.current).toBeNull();
    expect(b.list).toEqual([]);
    expect(mem.lists.has(USER)).toBe(false);
  });
});
