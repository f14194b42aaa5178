import {
  addDays,
  addMonths,
  compareDates,
  firstDayOfMonth,
  type IsoDate,
  isYearMonth,
  minDate,
  stockholmDate,
  type YearMonth,
} from '../domain/calendar.js';
import { InvoicingError } from './errors.js';

/** A month as the API takes it, 'YYYY-MM'. */
export function parseMonth(value: string, field = 'month'): YearMonth {
  if (!isYearMonth(value)) {
    throw new InvoicingError('INVALID_MONTH', `${field} must be a month written YYYY-MM`, field);
  }
  return value;
}

/** The month's first day as the database stores a period (a UTC-midnight date). */
export function periodDate(month: YearMonth): Date {
  return new Date(`${firstDayOfMonth(month)}T00:00:00Z`);
}

export function monthOfPeriod(period: Date): YearMonth {
  return period.toISOString().slice(0, 7);
}

/** A calendar day as the database stores a date column. */
export function dateColumn(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function hasEnded(month: YearMonth, now: Date): boolean {
  return compareDates(stockholmDate(now), firstDayOfMonth(addMonths(month, 1))) >= 0;
}

/**
 * The first day not judged for a month's basis: the next month's first day, or for the
 * running month tomorrow (days up to and including today). Refuses a month not begun.
 */
export function untilFor(month: YearMonth, now: Date): IsoDate {
  const today = stockholmDate(now);
  if (compareDates(today, firstDayOfMonth(month)) < 0) {
    throw new InvoicingError(
      'MONTH_NOT_STARTED',
      `${month} has not begun (today is ${today} in Stockholm); a month can be drafted from its first day`,
      'month',
    );
  }
  return minDate(firstDayOfMonth(addMonths(month, 1)), addDays(today, 1));
}

/** The month before the one `now` falls in (Stockholm): what the monthly run invoices. */
export function previousMonth(now: Date): YearMonth {
  return addMonths(stockholmDate(now).slice(0, 7), -1);
}
