/**
 * The Swedish holiday calendar, checked against dates written out by hand from the
 * almanac rules (lag 1989:253): Easter Sunday of 2019 21 April, 2024 31 March, 2025
 * 20 April, 2026 5 April, 2038 25 April (the latest possible date).
 */
import { describe, expect, it } from 'vitest';
import {
  isSwedishWorkingDay,
  nonWorkingReason,
  swedishHolidays,
} from '../../../src/domain/swedish-holidays.js';

describe('swedishHolidays', () => {
  it('lists 2026 in date order: thirteen public holidays and three eves', () => {
    expect(swedishHolidays(2026).map((h) => `${h.date} ${h.name} ${h.kind}`)).toEqual([
      '2026-01-01 nyårsdagen PUBLIC_HOLIDAY',
      '2026-01-06 trettondedag jul PUBLIC_HOLIDAY',
      '2026-04-03 långfredagen PUBLIC_HOLIDAY',
      '2026-04-05 påskdagen PUBLIC_HOLIDAY',
      '2026-04-06 annandag påsk PUBLIC_HOLIDAY',
      '2026-05-01 första maj PUBLIC_HOLIDAY',
      '2026-05-14 Kristi himmelsfärdsdag PUBLIC_HOLIDAY',
      '2026-05-24 pingstdagen PUBLIC_HOLIDAY',
      '2026-06-06 nationaldagen PUBLIC_HOLIDAY',
      '2026-06-19 midsommarafton EVE',
      '2026-06-20 midsommardagen PUBLIC_HOLIDAY',
      '2026-10-31 alla helgons dag PUBLIC_HOLIDAY',
      '2026-12-24 julafton EVE',
      '2026-12-25 juldagen PUBLIC_HOLIDAY',
      '2026-12-26 annandag jul PUBLIC_HOLIDAY',
      '2026-12-31 nyårsafton EVE',
    ]);
  });

  it.each([
    [2019, '2019-04-19', '2019-04-22', '2019-05-30', '2019-06-21', '2019-11-02'],
    [2024, '2024-03-29', '2024-04-01', '2024-05-09', '2024-06-21', '2024-11-02'],
    [2025, '2025-04-18', '2025-04-21', '2025-05-29', '2025-06-20', '2025-11-01'],
    [2038, '2038-04-23', '2038-04-26', '2038-06-03', '2038-06-25', '2038-11-06'],
  ])(
    'computes the moving days of %i',
    (year, goodFriday, easterMonday, ascension, midsummerEve, allSaints) => {
      const byName = new Map(swedishHolidays(year).map((h) => [h.name, h.date]));
      expect(byName.get('långfredagen')).toBe(goodFriday);
      expect(byName.get('annandag påsk')).toBe(easterMonday);
      expect(byName.get('Kristi himmelsfärdsdag')).toBe(ascension);
      expect(byName.get('midsommarafton')).toBe(midsummerEve);
      expect(byName.get('alla helgons dag')).toBe(allSaints);
    },
  );

  it('refuses a year outside the calendar instead of guessing', () => {
    expect(() => swedishHolidays(1500)).toThrow(RangeError);
  });
});

describe('working days', () => {
  it.each([
    ['2026-04-02', null], // skärtorsdagen: an ordinary working day
    ['2026-04-03', 'långfredagen'],
    ['2026-04-04', 'lördag'], // påskafton is a Saturday anyway
    ['2026-04-05', 'påskdagen'],
    ['2026-04-06', 'annandag påsk'],
    ['2026-04-07', null],
    ['2026-05-25', null], // annandag pingst has not been a holiday since 2005
    ['2026-06-19', 'midsommarafton'],
    ['2026-12-24', 'julafton'],
    ['2027-01-06', 'trettondedag jul'],
    ['2027-01-10', 'söndag'],
  ])('%s: %s', (date, reason) => {
    expect(nonWorkingReason(date)).toBe(reason);
    expect(isSwedishWorkingDay(date)).toBe(reason === null);
  });
});
