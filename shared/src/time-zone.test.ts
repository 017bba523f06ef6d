import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayInstants,
  instantOfWallClock,
  isTimeZone,
  localDay,
  localIso,
  offsetMinutes,
  offsetSpans,
  timeZones,
  timeZoneSchema
} from './time-zone';

const H = 60 * 60 * 1000;

describe('a local day in the merchant zone', () => {
  it('starts at local midnight with +05:30 and +05:45 offsets', () => {
    expect(new Date(dayInstants('2026-11-22', 'Asia/Kolkata').start).toISOString()).toBe(
      '2026-11-21T18:30:00.000Z'
    );
    expect(new Date(dayInstants('2026-11-22', 'Asia/Kathmandu').start).toISOString()).toBe(
      '2026-11-21T18:15:00.000Z'
    );
  });

  it('lasts 23 hours on the spring-forward day and 25 on the fall-back day', () => {
    const spring = dayInstants('2026-03-08', 'America/New_York');
    const fall = dayInstants('2026-11-01', 'America/New_York');
    expect((spring.end - spring.start) / H).toBe(23);
    expect((fall.end - fall.start) / H).toBe(25);
    expect(new Date(fall.start).toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('starts after the gap where DST skips midnight (America/Santiago)', () => {
    const { start } = dayInstants('2026-09-06', 'America/Santiago');
    expect(localDay(start, 'America/Santiago')).toBe('2026-09-06');
    expect(localDay(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });

  it('holds every instant of the day and none outside, in any zone (property)', () => {
    const zones = [
      'UTC',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'America/New_York',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'America/St_Johns',
      'Europe/London'
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2028-01-01') }),
        (zone, t) => {
          const { start, end } = dayInstants(localDay(t, zone), zone);
          expect(start).toBeLessThanOrEqual(t);
          expect(t).toBeLessThan(end);
          expect(localDay(start - 1, zone)).not.toBe(localDay(t, zone));
          expect(localDay(end, zone)).not.toBe(localDay(t, zone));
        }
      ),
      { seed: 20261207, numRuns: 400 }
    );
  });
});

describe('times in the merchant zone', () => {
  it('writes ISO 8601 with the offset', () => {
    expect(localIso('2026-11-22T04:23:00.000Z', 'Asia/Kolkata')).toBe('2026-11-22T09:53:00+05:30');
    expect(localIso('2026-11-22T04:23:00.000Z', 'America/New_York')).toBe(
      '2026-11-21T23:23:00-05:00'
    );
    expect(localIso('2026-11-22T04:23:00.000Z', 'UTC')).toBe('2026-11-22T04:23:00+00:00');
    expect(offsetMinutes('2026-11-22T04:23:00.000Z', 'Asia/Kathmandu')).toBe(345);
  });

  it('finds the instant of a wall-clock time, after a gap and at the first of a repeat', () => {
    const z = 'America/New_York';
    expect(new Date(instantOfWallClock(Date.parse('2026-03-08T02:30:00Z'), z)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z'
    );
    expect(new Date(instantOfWallClock(Date.parse('2026-11-01T01:30:00Z'), z)).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z'
    );
  });

  it('splits a span where the offset changes', () => {
    const z = 'America/New_York';
    const spans = offsetSpans(
      Date.parse('2026-10-30T00:00:00Z'),
      Date.parse('2026-11-03T00:00:00Z'),
      z
    );
    expect(spans.map((s) => s.offsetMinutes)).toEqual([-240, -300]);
    expect(new Date(spans[0]?.end ?? 0).toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(offsetSpans(0, 10 * 24 * H, 'Asia/Kolkata')).toHaveLength(1);
  });

  it('accepts IANA names and UTC, and refuses anything else', () => {
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Calcutta')).toBe(true);
    expect(isTimeZone('asia/kolkata')).toBe(false);
    expect(timeZoneSchema.safeParse('Mars/Olympus').success).toBe(false);
    expect(timeZoneSchema.safeParse('+05:30').success).toBe(false);
  });
});

describe('the picker list', () => {
  it('lists current names (Kolkata, Kathmandu) and UTC, and stores a renamed zone under its current name', () => {
    expect(timeZones()).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Asia/Kathmandu', 'UTC']));
    expect(timeZones()).not.toContain('Asia/Calcutta');
    expect(timeZoneSchema.parse('Asia/Calcutta')).toBe('Asia/Kolkata');
  });
});
