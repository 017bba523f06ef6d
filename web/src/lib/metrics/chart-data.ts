import { plural } from '../format/plural';
import { formatMinor, type SeriesPoint } from '@kspay/shared';
import { formatCount, formatDay, formatMoney } from './format';

/**
 * The daily chart's columns (uPlot's data layout): x in Unix seconds at each UTC day's start,
 * transactions created that day, and the successful volume of one currency in major units.
 * Volumes are floats only here, to place points; every number a merchant reads is exact.
 */
export interface DailyColumns {
  xs: number[];
  counts: number[];
  volumes: number[];
}

export function dailyColumns(
  series: readonly SeriesPoint[],
  currency: string | null
): DailyColumns {
  return {
    xs: series.map((p) => Date.parse(`${p.day}T00:00:00.000Z`) / 1000),
    counts: series.map((p) => p.count),
    volumes: series.map((p) => (currency ? (p.volumeMinor[currency] ?? 0) / 100 : 0))
  };
}

/** The chart in one sentence, for its accessible name. */
export function chartSummary(series: readonly SeriesPoint[], currency: string | null): string {
  if (series.length === 0) return 'No days to show.';
  const total = series.reduce((s, p) => s + p.count, 0);
  const busiest = series.reduce((a, b) => (b.count > a.count ? b : a));
  const first = series[0]!.day;
  const last = series[series.length - 1]!.day;
  const parts = [
    `${plural(total, 'transaction')} from ${formatDay(first)} to ${formatDay(last)}`,
    total > 0 ? `busiest day ${formatDay(busiest.day)} with ${formatCount(busiest.count)}` : null
  ];
  if (currency) {
    const minor = series.reduce((s, p) => s + (p.volumeMinor[currency] ?? 0), 0);
    parts.push(`${formatMoney(formatMinor(minor), currency)} of successful volume`);
  }
  return `${parts.filter(Boolean).join('; ')}.`;
}
