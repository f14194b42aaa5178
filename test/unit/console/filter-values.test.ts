import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTER,
  toApiFilter,
} from '../../../web/console/src/areas/security/filter-values.js';
import { nextDay, startOfStockholmDay } from '../../../web/console/src/ui/time.js';

/**
 * The console's access-log form turns Stockholm dates into the API's [from, to) instants:
 * whole days on the Stockholm clock, whatever the browser's own zone, across the
 * daylight-saving changes.
 */
describe('Stockholm days as API instants', () => {
  it('starts a winter day at +01:00 and a summer day at +02:00', () => {
    expect(startOfStockholmDay('2026-01-15')).toBe('2026-01-15T00:00:00+01:00');
    expect(startOfStockholmDay('2026-07-15')).toBe('2026-07-15T00:00:00+02:00');
    // The days of the changes: the offset at midnight is the one before the change.
    expect(startOfStockholmDay('2026-03-29')).toBe('2026-03-29T00:00:00+01:00');
    expect(startOfStockholmDay('2026-10-25')).toBe('2026-10-25T00:00:00+02:00');
  });

  it('steps to the next day across month and year ends', () => {
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});

describe('the access-log form as the API filter', () => {
  it('leaves out blank fields', () => {
    expect(toApiFilter(EMPTY_FILTER)).toEqual({
      personalIdentityNumber: undefined,
      userHsaId: undefined,
      unitHsaId: undefined,
      from: undefined,
      to: undefined,
      flags: undefined,
      outcomes: undefined,
    });
  });

  it('trims text, makes the inclusive "to" day the exclusive end, and asks for denied rows', () => {
    expect(
      toApiFilter({
        personalIdentityNumber: ' 19121212-1212 ',
        userHsaId: 'SE2321000016-KS01P1',
        unitHsaId: '',
        from: '2026-10-01',
        to: '2026-10-31',
        flags: ['EMERGENCY_ACCESS', 'OUT_OF_HOURS'],
        deniedOnly: true,
      }),
    ).toEqual({
      personalIdentityNumber: '19121212-1212',
      userHsaId: 'SE2321000016-KS01P1',
      unitHsaId: undefined,
      from: '2026-10-01T00:00:00+02:00',
      // 1 November is after the change back to winter time.
      to: '2026-11-01T00:00:00+01:00',
      flags: ['EMERGENCY_ACCESS', 'OUT_OF_HOURS'],
      outcomes: ['DENIED'],
    });
  });
});
