import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '@kspay/shared';
import { chartSummary, dailyColumns } from './chart-data';
import {
  formatAsOf,
  formatInstant,
  formatInstantFull,
  formatDay,
  formatMoney,
  formatRate,
  pointChangeOf,
  relativeChangeOf
} from './format';

describe('changes against the previous period', () => {
  it('reads a rise and a fall with the arrow the merchant sees and the words a reader hears', () => {
    expect(relativeChangeOf(150, 120)).toEqual({ trend: 'up', text: '25%', spoken: 'up 25%' });
    expect(relativeChangeOf(97, 100)).toEqual({ trend: 'down', text: '3.0%', spoken: 'down 3.0%' });
  });

  it('never divides by an empty previous period', () => {
    expect(relativeChangeOf(5, 0)).toMatchObject({ trend: 'up', text: 'new' });
    expect(relativeChangeOf(0, 0)).toMatchObject({ trend: 'flat', text: '0%' });
  });

  it('compares success rates in points, and not at all when a period had nothing to rate', () => {
    expect(pointChangeOf(0.82, 0.8)).toMatchObject({ trend: 'up', text: '2.0 pts' });
    expect(pointChangeOf(0.5, 0.5)).toMatchObject({ trend: 'flat' });
    expect(pointChangeOf(0.9, null)).toBeNull();
    expect(formatRate(0.8234)).toBe('82.3%');
  });
});

describe('amounts and times', () => {
  it('formats the exact decimal string, not a float', () => {
    // 2^53 + 1 cents would lose its last digit as a number.
    expect(formatMoney('90071992547409.93', 'USD')).toContain('90,071,992,547,409.93');
  });

  it('names the snapshot time as day, month and clock time', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    expect(formatAsOf(new Date(2026, 11, 2, 10, 41).toISOString(), now)).toBe('2 Dec, 10:41');
    expect(formatAsOf(new Date(2025, 11, 2, 10, 41).toISOString(), now)).toBe('2 Dec 2025, 10:41');
  });

  it("gives a transaction's time in the account's zone, not the browser's", () => {
    const at = '2026-11-21T22:23:07.000Z';
    const now = new Date('2026-12-05T12:00:00Z');
    expect(formatInstant(at, 'Asia/Kathmandu', now)).toBe('22 Nov, 04:08');
    expect(formatInstant(at, 'America/New_York', now)).toBe('21 Nov, 17:23');
    expect(formatInstantFull(at, 'Asia/Kolkata')).toBe('22 November 2026 at 03:53:07 GMT+5:30');
    // The year is the zone's: New Year in Kathmandu is still the old year in New York.
    const newYear = '2026-12-31T20:00:00.000Z';
    const jan = new Date('2027-01-05T12:00:00Z');
    expect(formatInstant(newYear, 'Asia/Kathmandu', jan)).toBe('1 Jan, 01:45');
    expect(formatInstant(newYear, 'America/New_York', jan)).toBe('31 Dec 2026, 15:00');
  });

  it('reads a day as the UTC day the server counted, whatever the zone', () => {
    expect(formatDay('2026-03-01')).toBe('1 Mar');
  });
});

describe('the daily chart', () => {
  const point = (day: string, count: number, inr = 0): SeriesPoint => ({
    day,
    count,
    byStatus: { initiated: 0, success: count, failed: 0, pending: 0 },
    volumeMinor: inr ? { INR: inr } : {}
  });
  const series = [point('2026-03-01', 2, 1050), point('2026-03-02', 5, 99), point('2026-03-03', 0)];

  it('puts each day at its UTC midnight with its count and the chosen currency in major units', () => {
    expect(dailyColumns(series, 'INR')).toEqual({
      xs: [1772323200, 1772409600, 1772496000],
      counts: [2, 5, 0],
      volumes: [10.5, 0.99, 0]
    });
  });

  it('summarises the picture in words for screen readers', () => {
    const text = chartSummary(series, 'INR');
    expect(text).toContain('7 transactions from 1 Mar to 3 Mar');
    expect(text).toContain('busiest day 2 Mar with 5');
    expect(text).toContain('11.49');
  });
});
