import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format';

describe('formatDateTime', () => {
  it("names an app's times in the account's zone", () => {
    const at = '2026-10-07T19:53:00.000Z';
    expect(formatDateTime(at, 'Asia/Kathmandu')).toBe('8 Oct 2026, 01:38');
    expect(formatDateTime(at, 'America/New_York')).toBe('7 Oct 2026, 15:53');
  });
});
