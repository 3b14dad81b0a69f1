import { describe, expect, it } from 'vitest';
import { exportUrl } from './exportUrl';

describe('exportUrl', () => {
  it('passes the filter as query parameters, leaving out what is not set', () => {
    expect(exportUrl('/export/audit.csv', { action: 'user.disabled', from: null, to: '2026-03-06T00:00:00.000Z' })).toBe(
      '/export/audit.csv?action=user.disabled&to=2026-03-06T00%3A00%3A00.000Z',
    );
  });

  it('has no query at all without a filter', () => {
    expect(exportUrl('/export/sign-ins.csv', { outcome: null, method: '' })).toBe('/export/sign-ins.csv');
  });
});
