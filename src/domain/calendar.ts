/**
 * Calendar days in Europe/Stockholm, for the workflow (24 h after admission, 3 days after
 * the ready notice) and for payment responsibility alike. Timestamps are stored in UTC,
 * but the law speaks of calendar days (kalenderdagar) and times of day on the ward's
 * clock, so an instant is turned into a Stockholm date before any counting. Dates are
 * plain 'YYYY-MM-DD' strings: arithmetic on them never touches a time zone, which is what
 * makes the 23- and 25-hour days of the DST switches harmless.
 *
 * Only `Intl.DateTimeFormat` is used; Node ships the full ICU time-zone data.
 */

export const STOCKHOLM_TIME_ZONE = 'Europe/Stockholm';

/** A calendar day, 'YYYY-MM-DD', always meant as a day in Europe/Stockholm. */
export type IsoDate = string;

/** A calendar month, 'YYYY-MM'. */
export type YearMonth = string;

const MS_PER_DAY = 86_400_000;

const stockholmParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: STOCKHOLM_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date): WallClock {
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError('Invalid Date given to the Stockholm calendar');
  }
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of stockholmParts.formatToParts(instant)) {
    if (part.type in clock) {
      clock[part.type as keyof WallClock] = Number(part.value);
    }
  }
  return clock;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const pad4 = (n: number): string => String(n).padStart(4, '0');

function formatDate(year: number, month: number, day: number): IsoDate {
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar day written 'YYYY-MM-DD' (2026-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const utc = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return utc.getUTCFullYear() === Number(y) && utc.getUTCMonth() === Number(m) - 1;
}

/** Midnight UTC of the date: a neutral day number for arithmetic, never a real instant. */
function dayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  if (!match || !isIsoDate(date)) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): '${date}'`);
  }
  const [, y, m, d] = match;
  return Date.UTC(Number(y), Number(m) - 1, Number(d)) / MS_PER_DAY;
}

function fromDayNumber(n: number): IsoDate {
  const utc = new Date(n * MS_PER_DAY);
  return formatDate(utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate());
}

/** The calendar day in Stockholm on which the instant falls. */
export function stockholmDate(instant: Date): IsoDate {
  const c = wallClock(instant);
  return formatDate(c.year, c.month, c.day);
}

/** Seconds since local midnight in Stockholm: what a noon cut-off is compared against. */
export function stockholmSecondsOfDay(instant: Date): number {
  const c = wallClock(instant);
  return c.hour * 3600 + c.minute * 60 + c.second;
}

/** The Stockholm wall-clock time of the instant, 'HH:MM', for reasons shown to people. */
export function stockholmTimeOfDay(instant: Date): string {
  const c = wallClock(instant);
  return `${pad2(c.hour)}:${pad2(c.minute)}`;
}

/** Minutes after midnight of a 'HH:MM' time of day (e.g. a cut-off of '12:00' → 720). */
export function minutesOfTimeOfDay(time: string): number {
  const match = TIME_OF_DAY.exec(time);
  if (!match) throw new RangeError(`Not a time of day (HH:MM, 00:00–23:59): '${time}'`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isTimeOfDay(value: string): boolean {
  return TIME_OF_DAY.test(value);
}

/** Offset of Stockholm from UTC at the instant, in minutes (60 in winter, 120 in summer). */
export function stockholmOffsetMinutes(instant: Date): number {
  const c = wallClock(instant);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / 60_000);
}

/**
 * The instant at which the Stockholm wall clock shows `time` on `date`. A wall time that
 * does not exist (02:30 on the last Sunday of March) resolves to the instant one hour
 * later, as clocks read after the switch; a wall time that occurs twice (02:30 on the last
 * Sunday of October) resolves to the first, summer-time occurrence.
 */
export function stockholmInstant(date: IsoDate, time = '00:00'): Date {
  const seconds = minutesOfTimeOfDay(time) * 60;
  const wallAsUtc = dayNumber(date) * MS_PER_DAY + seconds * 1000;
  const shows = (instant: Date): boolean =>
    stockholmDate(instant) === date && stockholmSecondsOfDay(instant) === seconds;
  // DST switches are months apart, so the offsets a day before and a day after the wall
  // time are the only two that can be in force at it.
  const before = new Date(
    wallAsUtc - stockholmOffsetMinutes(new Date(wallAsUtc - MS_PER_DAY)) * 60_000,
  );
  if (shows(before)) return before;
  const after = new Date(
    wallAsUtc - stockholmOffsetMinutes(new Date(wallAsUtc + MS_PER_DAY)) * 60_000,
  );
  if (shows(after)) return after;
  return before;
}

/** The first instant of the Stockholm calendar day. */
export function startOfStockholmDay(date: IsoDate): Date {
  return stockholmInstant(date, '00:00');
}

/** Length of the Stockholm calendar day in hours: 23 and 25 on the DST switch days. */
export function hoursInStockholmDay(date: IsoDate): number {
  const start = startOfStockholmDay(date).getTime();
  const end = startOfStockholmDay(addDays(date, 1)).getTime();
  return (end - start) / 3_600_000;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays needs whole days, got ${days}`);
  return fromDayNumber(dayNumber(date) + days);
}

/** Calendar days from `from` to `to`: 0 on the same day, negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** The days from `from` (inclusive) to `until` (exclusive); empty when until ≤ from. */
export function dateRange(from: IsoDate, until: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  const start = dayNumber(from);
  const end = dayNumber(until);
  for (let n = start; n < end; n += 1) days.push(fromDayNumber(n));
  return days;
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return dayNumber(a) - dayNumber(b);
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) <= 0 ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) >= 0 ? a : b;
}

export function yearOf(date: IsoDate): number {
  dayNumber(date);
  return Number(date.slice(0, 4));
}

export function monthOf(date: IsoDate): YearMonth {
  dayNumber(date);
  return date.slice(0, 7);
}

export function isYearMonth(value: string): boolean {
  const match = YEAR_MONTH.exec(value);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

function monthIndex(month: YearMonth): number {
  const match = YEAR_MONTH.exec(month);
  if (!match || !isYearMonth(month)) throw new RangeError(`Not a month (YYYY-MM): '${month}'`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function fromMonthIndex(index: number): YearMonth {
  return `${pad4(Math.floor(index / 12))}-${pad2((index % 12) + 1)}`;
}

export function addMonths(month: YearMonth, months: number): YearMonth {
  return fromMonthIndex(monthIndex(month) + months);
}

/** The months from `from` to `to`, both inclusive; empty when to is before from. */
export function monthRange(from: YearMonth, to: YearMonth): YearMonth[] {
  const months: YearMonth[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i += 1) months.push(fromMonthIndex(i));
  return months;
}

export function firstDayOfMonth(month: YearMonth): IsoDate {
  monthIndex(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: YearMonth): IsoDate {
  return addDays(firstDayOfMonth(addMonths(month, 1)), -1);
}
