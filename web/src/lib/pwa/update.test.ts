import { describe, expect, it, vi } from 'vitest';
import { AppUpdate, type UpdateChannel } from './update.svelte';

function channel(overrides: Partial<UpdateChannel> = {}) {
  return {
    check: vi.fn(() => Promise.resolve()),
    activate: vi.fn(),
    ...overrides
  } satisfies UpdateChannel;
}

describe('AppUpdate', () => {
  it('offers a waiting version and activates it only when the merchant accepts', () => {
    const update = new AppUpdate();
    const sw = channel();
    update.connect(sw);
    update.offer();
    expect(update.available).toBe(true);
    expect(sw.activate).not.toHaveBeenCalled();

    update.accept();
    expect(update.reloading).toBe(true);
    expect(sw.activate).toHaveBeenCalledTimes(1);
    // A second press while the new version takes over does not send the message again.
    update.accept();
    expect(sw.activate).toHaveBeenCalledTimes(1);
  });

  it('does nothing on accept without a service worker (development build)', () => {
    const update = new AppUpdate();
    update.accept();
    expect(update.reloading).toBe(false);
  });

  it('looks for the new version when the server says this one is outdated, once', () => {
    const update = new AppUpdate();
    const sw = channel();
    update.connect(sw);
    update.requireUpdate();
    update.requireUpdate();
    expect(update.required).toBe(true);
    expect(sw.check).toHaveBeenCalledTimes(1);
    // Required is not available: the prompt waits until the new version has installed.
    expect(update.available).toBe(false);
  });

  it('remembers a required update reported before the service worker registered', () => {
    const update = new AppUpdate();
    update.requireUpdate();
    const sw = channel();
    update.connect(sw);
    expect(sw.check).toHaveBeenCalledTimes(1);
  });

  it('survives a failed check (offline) without throwing', async () => {
    const update = new AppUpdate();
    update.connect(channel({ check: () => Promise.reject(new TypeError('Failed to fetch')) }));
    await expect(update.check()).resolves.toBeUndefined();
  });
});
