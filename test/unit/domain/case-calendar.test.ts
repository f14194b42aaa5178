import { describe, expect, it } from 'vitest';
import { daysBetween, isIsoDate, stockholmDate } from '../../../src/domain/calendar.js';

describe('stockholmDate', () => {
  it.each([
    ['winter, UTC+1: 23:30 UTC is the next day', '2026-01-14T23:30:00Z', '2026-01-15'],
    ['winter, UTC+1: 22:59 UTC is the same day', '2026-01-14T22:59:00Z', '2026-01-14'],
    ['summer, UTC+2: 22:30 UTC is the next day', '2026-06-30T22:30:00Z', '2026-07-01'],
    ['summer, UTC+2: 21:59 UTC is the same day', '2026-06-30T21:59:00Z', '2026-06-30'],
  ])('%s', (_what, instant, day) => {
    expect(stockholmDate(new Date(instant))).toBe(day);
  });
});

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-1-05', false],
    ['20260105', false],
  ])('%s → %s', (value, valid) => {
    expect(isIsoDate(value)).toBe(valid);
  });
});

describe('daysBetween', () => {
  it('counts whole days across the switch to summer time', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('is negative when the second day is earlier', () => {
    expect(daysBetween('2026-03-05', '2026-03-02')).toBe(-3);
  });
});
