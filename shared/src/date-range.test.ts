import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkDateRange,
  dateRangeBounds,
  daysBetween,
  rangeInstants,
  utcDay
} from './date-range';
import { formatMinor, historyQuerySchema } from './transaction-history';

const now = new Date('2026-03-31T23:30:00.000Z');
const ctx = { appCreatedAt: '2025-11-15T08:00:00.000Z', now };

describe('date ranges: the rules the API and the picker share', () => {
  it('counts UTC days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2026-04-01')).toBe(90);
    expect(utcDay(now)).toBe('2026-03-31');
  });

  it('offers the picker the creation day to today and 90 days at most', () => {
    expect(dateRangeBounds(ctx.appCreatedAt, now)).toEqual({
      min: '2025-11-15',
      max: '2026-03-31',
      maxDays: 90
    });
  });

  it('answers the first broken rule, in KS Pay order', () => {
    const code = (from?: string, to?: string) => checkDateRange({ from, to }, ctx)?.ksCode ?? null;
    expect(code()).toBeNull();
    expect(code('2026-03-01')).toBe(11010);
    // from after to wins over every later rule, even when both are in the future.
    expect(code('2026-05-02', '2026-05-01')).toBe(11007);
    expect(code('2026-04-01', '2026-04-02')).toBe(11009);
    expect(code('2026-03-31', '2026-04-01')).toBe(11011);
    expect(code('2025-12-30', '2026-03-31')).toBe(11006);
    expect(code('2025-12-31', '2026-03-31')).toBeNull();
    expect(code('2025-11-14', '2025-11-20')).toBe(11008);
    expect(code('2025-11-15', '2025-11-15')).toBeNull();
  });

  it('accepts exactly the ranges between the creation day and today, at most 90 days apart', () => {
    const day = fc.integer({ min: -200, max: 20 }).map((n) => addDays('2026-03-31', n));
    fc.assert(
      fc.property(day, day, (from, to) => {
        const ok = checkDateRange({ from, to }, ctx) === null;
        const span = rangeInstants(from, to);
        const expected =
          from <= to &&
          span.to <= `${addDays('2026-03-31', 1)}T00:00:00.000Z` &&
          daysBetween(from, to) <= 90 &&
          span.from >= '2025-11-15T00:00:00.000Z';
        expect(ok).toBe(expected);
      }),
      { seed: 5, numRuns: 500 }
    );
  });
});

describe('history query and amounts', () => {
  it('formats minor units exactly', () => {
    expect(formatMinor(0)).toBe('0.00');
    expect(formatMinor(5)).toBe('0.05');
    expect(formatMinor(123450)).toBe('1234.50');
    expect(formatMinor(1_000_000_000_00)).toBe('1000000000.00');
  });

  it('reads blank parameters as absent and a cursor it made', () => {
    expect(historyQuerySchema.parse({ from: '', to: '', q: '', cursor: '', limit: '' })).toEqual({
      limit: 50
    });
    expect(
      historyQuerySchema.parse({ cursor: '2026-01-01T00:00:00.000Z~tx_AbC123xyz' }).cursor
    ).toEqual({ createdAt: '2026-01-01T00:00:00.000Z', id: 'tx_AbC123xyz' });
    expect(historyQuerySchema.safeParse({ cursor: '2026-01-01~tx_a' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ page: '2' }).success).toBe(false);
  });
});
