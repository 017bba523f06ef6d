import type { AuditEntry } from '@kspay/shared/app-settings';
import { describe, expect, it } from 'vitest';
import { describeAudit, describeUserAgent, formatTime, keyStatusText } from './format';

describe('key status', () => {
  it('names every status, with the expiry time of a pair in its grace period', () => {
    const none = { expiresAt: null, disabledAt: null };
    expect(keyStatusText({ ...none, status: 'active' })).toBe('Active');
    expect(keyStatusText({ ...none, status: 'disabled', disabledAt: '2026-03-11T10:00:00Z' })).toBe(
      'Disabled'
    );
    expect(keyStatusText({ ...none, status: 'replaced', expiresAt: '2026-03-12T10:00:00Z' })).toBe(
      'Replaced'
    );
    const at = '2026-03-12T10:00:00.000Z';
    expect(keyStatusText({ ...none, status: 'expiring', expiresAt: at })).toBe(
      `Expiring at ${formatTime(at)}`
    );
    expect(formatTime(at)).toMatch(/2026/);
  });

  it('keeps saying "Disabled" for a disabled pair that a new pair then replaced', () => {
    expect(
      keyStatusText({
        status: 'replaced',
        expiresAt: '2026-03-12T10:00:00Z',
        disabledAt: '2026-03-11T10:00:00Z'
      })
    ).toBe('Disabled');
  });

  it("gives times in the account's zone, 24-hour, like every other page", () => {
    const at = '2026-11-20T23:00:00.000Z';
    expect(formatTime(at, 'Asia/Kolkata')).toBe('21 Nov 2026, 04:30');
    expect(formatTime(at, 'Asia/Kathmandu')).toBe('21 Nov 2026, 04:45');
    expect(keyStatusText({ status: 'expiring', expiresAt: at, disabledAt: null }, 'UTC')).toBe(
      'Expiring at 20 Nov 2026, 23:00'
    );
  });

  it('shows nothing for a missing or broken time rather than "Invalid Date"', () => {
    expect(formatTime(null)).toBe('');
    expect(formatTime('not a time')).toBe('');
  });
});

describe('describeUserAgent', () => {
  it('names the browser and the system', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
      )
    ).toBe('Chrome on Linux');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
      )
    ).toBe('Safari on iOS');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
      )
    ).toBe('Firefox on Windows');
  });

  it('keeps a script client short and never empty', () => {
    expect(describeUserAgent('curl/8.5.0')).toBe('curl/8.5.0');
    expect(describeUserAgent(`x${'y'.repeat(200)}`)).toHaveLength(40);
    expect(describeUserAgent(null)).toBe('Unknown browser');
    expect(describeUserAgent('   ')).toBe('Unknown browser');
  });
});

describe('describeAudit', () => {
  const entry = (over: Partial<AuditEntry>): AuditEntry => ({
    id: 'au_1',
    action: 'key.generated',
    keyId: 'ak_AAAAAAAAA',
    detail: null,
    actorName: null,
    actorEmail: 'a@example.com',
    ip: '127.0.0.1',
    userAgent: null,
    at: '2026-03-12T10:00:00Z',
    ...over
  });

  it('says what happened to which key or origin', () => {
    expect(describeAudit(entry({}))).toEqual({
      title: 'Generated a key pair',
      detail: 'ak_AAAAAAAAA'
    });
    expect(
      describeAudit(
        entry({ action: 'key.regenerated', detail: 'replaces ak_BBBBBBBBB, grace 24h' })
      )
    ).toEqual({
      title: 'Regenerated the key pair',
      detail: 'ak_AAAAAAAAA (old pair works for 24 more hours)'
    });
    expect(
      describeAudit(entry({ action: 'domain.added', keyId: null, detail: 'https://a.example' }))
    ).toEqual({ title: 'Added a domain', detail: 'https://a.example' });
  });

  it('keeps a detail it does not understand as the server wrote it', () => {
    expect(describeAudit(entry({ action: 'key.regenerated', detail: 'something new' }))).toEqual({
      title: 'Regenerated the key pair',
      detail: 'something new'
    });
  });
});
