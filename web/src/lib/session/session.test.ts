import type { SessionInfo, User } from '@kspay/shared/auth';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/errors';
import { Session, type SessionApi, type UserMemory } from './session.svelte';

const user: User = {
  id: 'us_abc123',
  email: 'asha@example.com',
  name: 'Asha Rao',
  createdAt: '2025-01-01T10:00:00.000Z'
};
const info: SessionInfo = {
  user,
  emailVerified: true,
  authenticatedAt: '2025-01-01T10:00:00.000Z',
  expiresAt: '2025-01-08T10:00:00.000Z'
};

function memory(initial: User | null = null): UserMemory & { value: User | null } {
  return {
    value: initial,
    read() {
      return this.value;
    },
    write(u) {
      this.value = u;
    }
  };
}

function api(overrides: Partial<SessionApi> = {}) {
  const getSession = vi.fn(() => Promise.resolve<SessionInfo | null>(info));
  const signOut = vi.fn(() => Promise.resolve());
  return { getSession, signOut, ...overrides } satisfies SessionApi;
}

describe('Session', () => {
  it('is signed in with the server’s user and remembers them for offline starts', async () => {
    const mem = memory();
    const session = new Session(api(), mem);
    expect(session.status).toBe('unknown');
    await session.load();
    expect(session.status).toBe('signed-in');
    expect(session.user).toEqual(user);
    expect(session.offline).toBe(false);
    expect(mem.value).toEqual(user);
  });

  it('is signed out when the server answers 401, and forgets the remembered user', async () => {
    const mem = memory(user);
    const session = new Session(api({ getSession: () => Promise.resolve(null) }), mem);
    await session.load();
    expect(session.status).toBe('signed-out');
    expect(session.user).toBeNull();
    expect(mem.value).toBeNull();
  });

  it('asks the server once however many pages load it', async () => {
    const getSession = vi.fn(() => Promise.resolve(info));
    const session = new Session(api({ getSession }), memory());
    await Promise.all([session.load(), session.load(), session.load()]);
    await session.load();
    expect(getSession).toHaveBeenCalledTimes(1);
  });

  it('offline, keeps the merchant signed in as the user last seen on this device', async () => {
    const offline = new ApiRequestError(0, 'network', 'offline');
    const session = new Session(api({ getSession: () => Promise.reject(offline) }), memory(user));
    await session.load();
    expect(session.status).toBe('signed-in');
    expect(session.offline).toBe(true);
    expect(session.user).toEqual(user);
    expect(session.info).toBeNull();
  });

  it('offline with nobody remembered, or on a server failure, is signed out', async () => {
    const offline = new ApiRequestError(0, 'network', 'offline');
    const first = new Session(api({ getSession: () => Promise.reject(offline) }), memory());
    await first.load();
    expect(first.status).toBe('signed-out');

    const broken = new ApiRequestError(500, 'internal', 'boom');
    const mem = memory(user);
    const second = new Session(api({ getSession: () => Promise.reject(broken) }), mem);
    await second.load();
    expect(second.status).toBe('signed-out');
    // A server hiccup is not a sign-out: the device may still open offline next time.
    expect(mem.value).toEqual(user);
  });

  it('takes a new session from sign-in without asking the server again', async () => {
    const a = api({ getSession: () => Promise.resolve(null) });
    const session = new Session(a, memory());
    await session.load();
    session.set(info);
    await session.load();
    expect(session.status).toBe('signed-in');
    expect(session.user?.name).toBe('Asha Rao');
  });

  it('signs out on the server first, then forgets the user here', async () => {
    const mem = memory();
    const signOut = vi.fn(() => Promise.resolve());
    const session = new Session(api({ signOut }), mem);
    await session.load();
    await session.signOut();
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(session.status).toBe('signed-out');
    expect(mem.value).toBeNull();
  });

  it('stays signed in when the server refused to sign out', async () => {
    const offline = new ApiRequestError(0, 'network', 'offline');
    const session = new Session(api({ signOut: () => Promise.reject(offline) }), memory());
    await session.load();
    await expect(session.signOut()).rejects.toBe(offline);
    expect(session.status).toBe('signed-in');
  });
});
