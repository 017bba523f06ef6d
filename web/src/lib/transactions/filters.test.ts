import { dateRangeHints } from '@kspay/shared';
import { describe, expect, it } from 'vitest';
import { checkFilter, csvHref, filterFromUrl, historySnapshotKey, NO_FILTER } from './filters';

const ctx = { appCreatedAt: '2026-01-10T08:00:00.000Z', now: new Date('2026-06-30T12:00:00Z') };
const check = (from: string, to: string, q = '', status = '') =>
  checkFilter({ q, status, from, to }, ctx);

describe('the date picker applies the API rules', () => {
  it('accepts no range, and a range inside the app life of at most 90 days', () => {
    expect(check('', '').filter).toEqual({});
    expect(check('2026-04-01', '2026-06-30').filter).toEqual({
      from: '2026-04-01',
      to: '2026-06-30'
    });
  });

  it.each([
    ['2026-04-01', '', 'to', 'startAndEndDateRequired'],
    ['2026-05-02', '2026-05-01', 'from', 'dateRangeError'],
    ['2026-07-01', '2026-07-02', 'from', 'startDateAfterToday'],
    ['2026-06-01', '2026-07-01', 'to', 'endDateAfterToday'],
    ['2026-03-01', '2026-06-01', 'to', 'datesExceedError'],
    ['2026-01-09', '2026-02-01', 'from', 'startDateBeforeAppCreation']
  ] as const)('%s → %s: %s shows under the field to fix', (from, to, field, rule) => {
    const { errors, filter } = check(from, to);
    expect(filter).toBeNull();
    expect(errors).toEqual({ [field]: dateRangeHints[rule] });
  });

  it('says the fix in plain words', () => {
    expect(check('2026-03-01', '2026-06-01').errors.to).toBe('Pick at most 90 days');
    expect(check('2026-05-02', '2026-05-01').errors.from).toBe(
      'The start date must be before the end date'
    );
  });

  it('passes a status on and refuses one that is not', () => {
    expect(check('', '', '', 'failed').filter).toEqual({ status: 'failed' });
    expect(check('', '', '', 'done').errors.status).toBe(
      'Choose Success, Failed, Pending or Initiated'
    );
  });

  it('refuses a search that cannot be a transaction id, and a day that is not a date', () => {
    expect(check('', '', 'tx_1; drop').errors.q).toBeDefined();
    expect(check('2026-13-01', '2026-06-01').errors.from).toBeDefined();
  });
});

describe('one view, one name', () => {
  it('reads the filter from the URL and names its snapshot and CSV the same way', () => {
    const f = filterFromUrl(
      new URLSearchParams('to=2026-02-01&status=failed&q=tx_ab&from=2026-01-20')
    );
    expect(historySnapshotKey('ap_1', f, null)).toBe(
      'transactions:ap_1:q=tx_ab&status=failed&from=2026-01-20&to=2026-02-01'
    );
    expect(historySnapshotKey('ap_1', f, 'c1')).not.toBe(historySnapshotKey('ap_1', f, null));
    expect(csvHref('ap_1', f)).toBe(
      '/api/apps/ap_1/transactions.csv?q=tx_ab&status=failed&from=2026-01-20&to=2026-02-01'
    );
    expect(csvHref('ap_1', NO_FILTER)).toBe('/api/apps/ap_1/transactions.csv');
  });
});
