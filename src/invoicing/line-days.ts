/**
 * How a line's days are stored (invoice_line.day_details) and read back. A stored day
 * names its events by position in the line's eventIds rather than by id: the retention
 * purge of a case empties eventIds, and the days then point at nothing instead of keeping
 * ids of purged events. Reading resolves positions against the line's eventIds as they
 * are now.
 */
import type { IsoDate } from '../domain/calendar.js';
import type { LineDay } from './basis.js';

interface StoredDay {
  date: IsoDate;
  reason: string;
  events: number[];
  readyNotice: number | null;
}

export function storeLineDays(days: readonly LineDay[], eventIds: readonly string[]): StoredDay[] {
  const position = (id: string): number => {
    const index = eventIds.indexOf(id);
    // A day's events are always among its line's: a miss is a programming error.
    if (index < 0) throw new Error(`event ${id} of day is not among the line's events`);
    return index;
  };
  return days.map((day) => ({
    date: day.date,
    reason: day.reason,
    events: day.eventIds.map(position),
    readyNotice: day.readyNoticeId === null ? null : position(day.readyNoticeId),
  }));
}

function isStoredDay(value: unknown): value is StoredDay {
  if (typeof value !== 'object' || value === null) return false;
  const day = value as Record<string, unknown>;
  return (
    typeof day.date === 'string' &&
    typeof day.reason === 'string' &&
    Array.isArray(day.events) &&
    day.events.every((n) => Number.isInteger(n)) &&
    (day.readyNotice === null || Number.isInteger(day.readyNotice))
  );
}

/** The stored days of a line; events no longer in eventIds (purged) are left out. */
export function readLineDays(stored: unknown, eventIds: readonly string[]): LineDay[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter(isStoredDay).map((day) => ({
    date: day.date,
    reason: day.reason,
    eventIds: day.events.flatMap((n) => eventIds[n] ?? []),
    readyNoticeId: day.readyNotice === null ? null : (eventIds[day.readyNotice] ?? null),
  }));
}
