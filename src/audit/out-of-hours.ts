import { stockholmDate, stockholmSecondsOfDay } from '../domain/calendar.js';

/**
 * Office hours as the log review sees them, on the Stockholm wall clock: an access before
 * `start` or from `end` on, or on a Saturday or Sunday, is flagged "out of hours" for the
 * reviewer. A constant in code, versioned and reviewed like the rest of the policy.
 */
export const OFFICE_HOURS = {
  /** Seconds after midnight: 07:00. */
  startSeconds: 7 * 3600,
  /** Seconds after midnight: 19:00. */
  endSeconds: 19 * 3600,
  weekendsAreOutOfHours: true,
} as const;

export function isOutOfHours(instant: Date, hours = OFFICE_HOURS): boolean {
  const seconds = stockholmSecondsOfDay(instant);
  if (seconds < hours.startSeconds || seconds >= hours.endSeconds) return true;
  if (!hours.weekendsAreOutOfHours) return false;
  // The weekday of the Stockholm date, computed on the date alone (no time zone involved).
  const weekday = new Date(`${stockholmDate(instant)}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}
