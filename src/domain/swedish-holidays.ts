/**
 * Swedish public holidays and working days, computed for any year (never a table per
 * year), for agreements that count free days in working days (vardagar).
 *
 * - Public holidays (allmänna helgdagar) per lag (1989:253): nyårsdagen 1 Jan, trettondedag
 *   jul 6 Jan, långfredagen, påskdagen, annandag påsk, första maj, Kristi himmelsfärdsdag
 *   (Easter + 39 days), pingstdagen (Easter + 49), nationaldagen 6 June, midsommardagen (the
 *   Saturday 20–26 June), alla helgons dag (the Saturday 31 Oct – 6 Nov), juldagen,
 *   annandag jul. Easter Sunday comes from the Gregorian computus (date-easter).
 * - Eves treated as holidays: midsommarafton, julafton and nyårsafton. Lag (1930:173) om
 *   beräkning av lagstadgad tid treats them like a Sunday, and no office handles a notice on
 *   them, so a working-day agreement would otherwise count a day nobody works.
 * - A working day is a Monday–Friday that is none of the above.
 */
import { easter } from 'date-easter';
import { addDays, type IsoDate, isIsoDate } from './calendar.js';

export interface SwedishHoliday {
  date: IsoDate;
  /** The Swedish name, as on a calendar: "långfredagen". */
  name: string;
  /** PUBLIC_HOLIDAY: allmän helgdag (lag 1989:253); EVE: treated as one (lag 1930:173). */
  kind: 'PUBLIC_HOLIDAY' | 'EVE';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** 0 = Sunday … 6 = Saturday, as Date#getUTCDay counts. */
export function weekday(date: IsoDate): number {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): '${date}'`);
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The first day from `from` (inclusive) that is a Saturday. */
function saturdayFrom(from: IsoDate): IsoDate {
  return addDays(from, (6 - weekday(from) + 7) % 7);
}

const byYear = new Map<number, Map<IsoDate, SwedishHoliday>>();

function holidayMap(year: number): Map<IsoDate, SwedishHoliday> {
  const cached = byYear.get(year);
  if (cached !== undefined) return cached;
  const e = easter(year);
  const easterSunday = `${year}-${pad2(e.month)}-${pad2(e.day)}`;
  const fixed = (monthDay: string) => `${year}-${monthDay}`;
  const midsummerDay = saturdayFrom(fixed('06-20'));
  const list: SwedishHoliday[] = [
    { date: fixed('01-01'), name: 'nyårsdagen', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('01-06'), name: 'trettondedag jul', kind: 'PUBLIC_HOLIDAY' },
    { date: addDays(easterSunday, -2), name: 'långfredagen', kind: 'PUBLIC_HOLIDAY' },
    { date: easterSunday, name: 'påskdagen', kind: 'PUBLIC_HOLIDAY' },
    { date: addDays(easterSunday, 1), name: 'annandag påsk', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('05-01'), name: 'första maj', kind: 'PUBLIC_HOLIDAY' },
    { date: addDays(easterSunday, 39), name: 'Kristi himmelsfärdsdag', kind: 'PUBLIC_HOLIDAY' },
    { date: addDays(easterSunday, 49), name: 'pingstdagen', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('06-06'), name: 'nationaldagen', kind: 'PUBLIC_HOLIDAY' },
    { date: addDays(midsummerDay, -1), name: 'midsommarafton', kind: 'EVE' },
    { date: midsummerDay, name: 'midsommardagen', kind: 'PUBLIC_HOLIDAY' },
    { date: saturdayFrom(fixed('10-31')), name: 'alla helgons dag', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('12-24'), name: 'julafton', kind: 'EVE' },
    { date: fixed('12-25'), name: 'juldagen', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('12-26'), name: 'annandag jul', kind: 'PUBLIC_HOLIDAY' },
    { date: fixed('12-31'), name: 'nyårsafton', kind: 'EVE' },
  ];
  const map = new Map(list.map((h) => [h.date, h]));
  byYear.set(year, map);
  return map;
}

/** The year's holidays and eves in date order. */
export function swedishHolidays(year: number): SwedishHoliday[] {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) {
    throw new RangeError(`No Swedish holiday calendar for year ${year}`);
  }
  return [...holidayMap(year).values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** The holiday or eve on the date, or null. */
export function swedishHolidayOn(date: IsoDate): SwedishHoliday | null {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): '${date}'`);
  return holidayMap(Number(date.slice(0, 4))).get(date) ?? null;
}

/** Why the date is not a working day ("lördag", "långfredagen"), or null when it is one. */
export function nonWorkingReason(date: IsoDate): string | null {
  const holiday = swedishHolidayOn(date);
  if (holiday !== null) return holiday.name;
  const day = weekday(date);
  if (day === 6) return 'lördag';
  if (day === 0) return 'söndag';
  return null;
}

export function isSwedishWorkingDay(date: IsoDate): boolean {
  return nonWorkingReason(date) === null;
}
