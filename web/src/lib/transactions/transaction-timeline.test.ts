import type { HistoryRow } from '@kspay/shared';
import { describe, expect, it } from 'vitest';
import { statusTimeline } from './transaction-timeline';

const row = (status: HistoryRow['status']): HistoryRow => ({
  id: 'tx_abcdefghi',
  referenceNumber: 'ref-1',
  providerOrderId: 'order_1',
  currencyId: 'c_1',
  paymentMethodId: 'pm_1',
  redirectUrl: null,
  createdAt: '2026-11-22T04:23:00.000Z',
  updatedAt: '2026-11-22T04:25:30.000Z',
  paymentMode: 'UPI',
  gateway: 'KS Pay Sandbox',
  currency: 'INR',
  amount: '10.00',
  amountMinor: 1000,
  status
});

describe('the status timeline', () => {
  it('gives initiation its creation time and processing its own time', () => {
    expect(statusTimeline(row('success'))).toEqual([
      { label: 'Initiated', at: '2026-11-22T04:23:00.000Z', note: null },
      { label: 'Processed: Success', at: '2026-11-22T04:25:30.000Z', note: null }
    ]);
  });

  it('never gives a step that has not happened the last update time', () => {
    const initiated = statusTimeline(row('initiated'));
    expect(initiated.map((s) => [s.label, s.at])).toEqual([
      ['Initiated', '2026-11-22T04:23:00.000Z'],
      ['Processed', null]
    ]);
    expect(initiated[1]?.note).toBe('Not processed yet');
    const pending = statusTimeline(row('pending'));
    expect(pending.at(-1)).toMatchObject({ label: 'Final outcome', at: null });
    expect(pending.at(-1)?.note).toMatch(/not known yet/i);
  });
});
