import type { ApiKey, AuditEntry } from '@kspay/shared/app-settings';
import { describe, expect, it } from 'vitest';
import { appendEntries, mergePairs } from './merge';

const pair = (id: string, createdAt: string, status: ApiKey['status'] = 'active'): ApiKey => ({
  id,
  appId: 'ap_AAAAAAAAA',
  mode: 'test',
  publicKey: `kspk_test_${id}`,
  secretHint: 'kssk_test_…9Qa',
  status,
  expiresAt: null,
  createdAt,
  createdByEmail: null,
  lastUsedAt: null,
  disabledAt: null,
  replacedBy: null
});

describe('mergePairs', () => {
  it('puts a new pair first and updates the one it replaced in place', () => {
    const old = pair('ak_1', '2026-01-01T00:00:00Z');
    const merged = mergePairs(
      [old],
      [pair('ak_2', '2026-02-01T00:00:00Z'), { ...old, status: 'replaced' }]
    );
    expect(merged.map((k) => [k.id, k.status])).toEqual([
      ['ak_2', 'active'],
      ['ak_1', 'replaced']
    ]);
  });

  it('ignores a missing previous pair (first generation)', () => {
    expect(mergePairs([], [pair('ak_1', '2026-01-01T00:00:00Z'), null])).toHaveLength(1);
  });
});

describe('appendEntries', () => {
  const entry = (id: string): AuditEntry => ({
    id,
    action: 'key.generated',
    keyId: null,
    detail: null,
    actorName: null,
    actorEmail: null,
    ip: null,
    userAgent: null,
    at: '2026-01-01T00:00:00Z'
  });

  it('adds an older page without repeating entries a newer load already shows', () => {
    const shown = [entry('au_3'), entry('au_2')];
    expect(appendEntries(shown, [entry('au_2'), entry('au_1')]).map((e) => e.id)).toEqual([
      'au_3',
      'au_2',
      'au_1'
    ]);
  });
});
