/**
 * Stockholm calendar days across the DST switches: in 2026 summer time starts on Sunday
 * 29 March at 01:00 UTC (02:00 → 03:00 local) and ends on Sunday 25 October at 01:00 UTC
 * (03:00 → 02:00 local).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateRange,
  daysBetween,
  hoursInStockholmDay,
  isIsoDate,
  lastDayOfMonth,
  minutesOfTimeOfDay,
  monthRange,
  startOfStockholmDay,
  stockholmDate,
  stockholmInstant,
  stockholmOffsetMinutes,
  stockholmTimeOfDay,
} from '../../../src/domain/calendar.js';

describe('stockholmDate and stockholmTimeOfDay around the DST switches', () => {
  it.each([
    // instant (UTC)             Stockholm date  time    why
    ['2026-03-28T22:59:00Z', '2026-03-28', '23:59', 'winter time, UTC+1'],
    ['2026-03-28T23:30:00Z', '2026-03-29', '00:30', 'after local midnight, still UTC+1'],
    ['2026-03-29T00:30:00Z', '2026-03-29', '01:30', 'half an hour before the switch'],
    ['2026-03-29T01:00:00Z', '2026-03-29', '03:00', 'the switch: 02:00 local never happens'],
    ['2026-03-29T21:59:00Z', '2026-03-29', '23:59', 'summer time, UTC+2'],
    ['2026-03-29T23:30:00Z', '2026-03-30', '01:30', 'a UTC-date reading would say the 29th'],
    ['2026-10-24T22:30:00Z', '2026-10-25', '00:30', 'summer time, UTC+2'],
    ['2026-10-25T00:30:00Z', '2026-10-25', '02:30', 'first 02:30 (summer time)'],
    ['2026-10-25T01:30:00Z', '2026-10-25', '02:30', 'second 02:30 (winter time)'],
    ['2026-10-25T22:30:00Z', '2026-10-25', '23:30', 'winter time again, UTC+1'],
    ['2026-10-25T23:30:00Z', '2026-10-26', '00:30', 'next day'],
  ])('%s is %s %s (%s)', (instant, date, time) => {
    expect(stockholmDate(new Date(instant))).toBe(date);
    expect(stockholmTimeOfDay(new Date(instant))).toBe(time);
  });

  it('knows the offset on each side of the switch', () => {
    expect(stockholmOffsetMinutes(new Date('2026-03-29T00:59:00Z'))).toBe(60);
    expect(stockholmOffsetMinutes(new Date('2026-03-29T01:00:00Z'))).toBe(120);
    expect(stockholmOffsetMinutes(new Date('2026-10-25T00:59:00Z'))).toBe(120);
    expect(stockholmOffsetMinutes(new Date('2026-10-25T01:00:00Z'))).toBe(60);
  });

  it('has a 23-hour day in March and a 25-hour day in October', () => {
    expect(hoursInStockholmDay('2026-03-29')).toBe(23);
    expect(hoursInStockholmDay('2026-10-25')).toBe(25);
    expect(hoursInStockholmDay('2026-06-15')).toBe(24);
  });
});

describe('stockholmInstant', () => {
  it.each([
    ['2026-03-29', '00:00', '2026-03-28T23:00:00.000Z', 'midnight of the short day'],
    ['2026-03-29', '12:00', '2026-03-29T10:00:00.000Z', 'noon in summer time'],
    ['2026-03-29', '02:30', '2026-03-29T01:30:00.000Z', 'a time that never happens → 03:30'],
    ['2026-10-25', '02:30', '2026-10-25T00:30:00.000Z', 'a time that happens twice → the first'],
    ['2026-10-25', '12:00', '2026-10-25T11:00:00.000Z', 'noon in winter time'],
    ['2026-01-15', '12:00', '2026-01-15T11:00:00.000Z', 'an ordinary winter day'],
  ])('%s %s is %s (%s)', (date, time, expected) => {
    expect(stockholmInstant(date, time).toISOString()).toBe(expected);
  });

  it('round-trips every minute-precise wall time that exists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * 366 }),
        fc.integer({ min: 0, max: 1439 }),
        (offset, minute) => {
          const date = addDays('2025-01-01', offset);
          const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
          const instant = stockholmInstant(date, time);
          const inGap = stockholmTimeOfDay(instant) !== time;
          if (inGap) {
            // Only the skipped hour of the March switch may fail to round-trip.
            expect(hoursInStockholmDay(date)).toBe(23);
            expect(time.startsWith('02:')).toBe(true);
            return;
          }
          expect(stockholmDate(instant)).toBe(date);
        },
      ),
    );
  });

  it('starts each day right after the previous one ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 366 }), (offset) => {
        const date = addDays('2024-01-01', offset);
        const start = startOfStockholmDay(date);
        expect(stockholmDate(start)).toBe(date);
        expect(stockholmDate(new Date(start.getTime() - 1))).toBe(addDays(date, -1));
      }),
    );
  });
});

describe('date arithmetic', () => {
  it.each([
    ['2026-03-28', 1, '2026-03-29'],
    ['2026-03-29', 1, '2026-03-30'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2022-12-31', 1, '2023-01-01'],
    ['2022-03-07', -7, '2022-02-28'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('counts calendar days, not 24-hour spans, across DST', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(dateRange('2026-03-28', '2026-03-31')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
    expect(dateRange('2026-03-31', '2026-03-28')).toEqual([]);
  });

  it('keeps addDays and daysBetween inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: -2000, max: 2000 }),
        (offset, days) => {
          const date = addDays('2000-01-01', offset);
          expect(daysBetween(date, addDays(date, days))).toBe(days);
          expect(dateRange(date, addDays(date, Math.abs(days)))).toHaveLength(Math.abs(days));
        },
      ),
    );
  });

  it('validates dates, times and months', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-2-1')).toBe(false);
    expect(() => addDays('2023-02-30', 1)).toThrow(/Not a calendar date/);
    expect(minutesOfTimeOfDay('12:00')).toBe(720);
    expect(() => minutesOfTimeOfDay('24:00')).toThrow(/Not a time of day/);
    expect(addMonths('2022-11', 3)).toBe('2023-02');
    expect(addMonths('2022-01', -1)).toBe('2021-12');
    expect(monthRange('2021-11', '2022-02')).toEqual(['2021-11', '2021-12', '2022-01', '2022-02']);
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
  });
});
