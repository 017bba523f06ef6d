import { describe, expect, it, vi } from 'vitest';
import { PERSIST_RETRY_MS, StorageCare, type StorageDeps } from './storage.svelte';

function deps(opts: { persisted?: boolean; grant?: boolean; usage?: number; quota?: number } = {}) {
  const store = new Map<string, string>();
  let now = 1_000_000;
  const storage = {
    persisted: vi.fn(() => Promise.resolve(opts.persisted ?? false)),
    persist: vi.fn(() => Promise.resolve(opts.grant ?? false)),
    estimate: vi.fn(() => Promise.resolve({ usage: opts.usage ?? 0, quota: opts.quota ?? 0 }))
  };
  const d: StorageDeps = {
    storage,
    memory: {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v)
    },
    now: () => now
  };
  return { d, storage, advance: (ms: number) => (now += ms) };
}

describe('StorageCare.persist', () => {
  it('asks the browser once per page', async () => {
    const { d, storage } = deps({ grant: true });
    const care = new StorageCare(d);
    await Promise.all([care.persist(), care.persist()]);
    await care.persist();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect(care.persisted).toBe(true);
  });

  it('does not ask when storage is already persistent', async () => {
    const { d, storage } = deps({ persisted: true });
    const care = new StorageCare(d);
    await care.persist();
    expect(storage.persist).not.toHaveBeenCalled();
    expect(care.persisted).toBe(true);
  });

  it('after a refusal, asks again on this device only once the retry period has passed', async () => {
    const { d, storage, advance } = deps({ grant: false });
    await new StorageCare(d).persist();
    await new StorageCare(d).persist();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    advance(PERSIST_RETRY_MS + 1);
    await new StorageCare(d).persist();
    expect(storage.persist).toHaveBeenCalledTimes(2);
  });

  it('does nothing where the Storage API is missing or blocked', async () => {
    const care = new StorageCare({ storage: undefined, memory: undefined, now: Date.now });
    await care.persist();
    await care.measure();
    expect(care.persisted).toBeNull();
    expect(care.nearlyFull).toBe(false);
  });
});

describe('StorageCare.measure', () => {
  it.each([
    [79, 100, false],
    [80, 100, false],
    [81, 100, true],
    [0, 0, false]
  ])('usage %i of quota %i: nearly full is %s', async (usage, quota, full) => {
    const care = new StorageCare(deps({ usage, quota }).d);
    await care.measure();
    expect(care.nearlyFull).toBe(full);
  });
});
