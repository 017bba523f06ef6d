import { utcDay } from '@kspay/shared';
import type uPlot from 'uplot';
import { formatCount, formatDay, formatMoney, formatMoneyShort } from './format';

const HALF_DAY = 12 * 60 * 60;
const BRAND = '#1d4ed8';
const VOLUME = '#c2410c';
const AXIS = '#475569';
const GRID = '#e2e8f0';
const FONT = '12px ui-sans-serif, system-ui, sans-serif';

/**
 * uPlot options for the daily chart: transactions as bars on the left axis, one currency's
 * successful volume as a line on the right axis. Days are the account zone's calendar days
 * (as the server counts them), each placed at 00:00 UTC of its date, so the axis is pinned
 * to UTC and reads the date itself whatever the browser's zone.
 */
export function dailyChartOptions(
  UPlot: typeof uPlot,
  size: { width: number; height: number },
  currency: string | null
): uPlot.Options {
  const dayOf = (seconds: number) => formatDay(utcDay(new Date(seconds * 1000)));
  const series: uPlot.Series[] = [
    { label: 'Day', value: (_u, v) => (v === null ? '' : dayOf(v)) },
    {
      label: 'Transactions',
      scale: 'count',
      stroke: BRAND,
      fill: 'rgba(29, 78, 216, 0.75)',
      width: 0,
      paths: UPlot.paths.bars?.({ size: [0.7, 28, 2] }),
      points: { show: false },
      value: (_u, v) => (v === null ? '' : formatCount(v))
    }
  ];
  const axes: uPlot.Axis[] = [
    {
      stroke: AXIS,
      font: FONT,
      grid: { show: false },
      ticks: { show: false },
      space: 56,
      values: (_u, splits) => splits.map(dayOf)
    },
    {
      scale: 'count',
      stroke: AXIS,
      font: FONT,
      size: 44,
      grid: { stroke: GRID, width: 1 },
      ticks: { show: false },
      values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? formatCount(v) : ''))
    }
  ];
  if (currency) {
    series.push({
      label: `Volume (${currency})`,
      scale: 'volume',
      stroke: VOLUME,
      width: 2,
      points: { show: true, size: 5, fill: VOLUME },
      value: (_u, v) => (v === null ? '' : formatMoney(v.toFixed(2), currency))
    });
    axes.push({
      scale: 'volume',
      side: 1,
      stroke: VOLUME,
      font: FONT,
      size: 64,
      grid: { show: false },
      ticks: { show: false },
      values: (_u, splits) => splits.map((v) => formatMoneyShort(v, currency))
    });
  }
  return {
    ...size,
    padding: [12, 4, 0, 4],
    tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    legend: { show: true, live: true },
    // The legend reads out the hovered day; with no pointer on the chart it shows today.
    hooks: {
      ready: [(u) => u.setLegend({ idx: u.data[0].length - 1 })],
      setCursor: [
        (u) => {
          if (u.cursor.idx === null || u.cursor.idx === undefined) {
            u.setLegend({ idx: u.data[0].length - 1 });
          }
        }
      ]
    },
    scales: {
      // Half a day either side, so the first and last bars are not cut in half.
      x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] },
      count: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
      volume: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }
    },
    axes,
    series
  };
}
