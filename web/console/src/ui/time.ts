/**
 * Times as Swedish staff read them: on the Stockholm clock, whatever the browser's zone.
 * The API takes and gives UTC instants; a period typed as dates means whole Stockholm days.
 */
const ZONE = 'Europe/Stockholm';

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export const formatStockholm = (instant: string): string => dateTime.format(new Date(instant));

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  timeZoneName: 'longOffset',
});

/** Stockholm's UTC offset at an instant, as "+01:00" or "+02:00". */
function stockholmOffsetAt(instant: Date): string {
  const name =
    offsetFormat.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ??
    'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/**
 * The instant a Stockholm day (YYYY-MM-DD) starts. The offset at noon is a first guess; on
 * the days the clocks change, midnight has the other one, so it is checked at midnight.
 */
export function startOfStockholmDay(date: string): string {
  const guess = stockholmOffsetAt(new Date(`${date}T12:00:00Z`));
  const actual = stockholmOffsetAt(new Date(`${date}T00:00:00${guess}`));
  return `${date}T00:00:00${actual}`;
}

/** The day after (YYYY-MM-DD), for an inclusive "to" date as the API's exclusive end. */
export function nextDay(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** Today on the Stockholm clock (YYYY-MM-DD). */
export const stockholmToday = (): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE }).format(new Date());

/** The calendar month before this one on the Stockholm clock: its first and last day. */
export function lastMonth(): { from: string; to: string; month: string } {
  const [year, month] = stockholmToday().split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 2, 1));
  const last = new Date(Date.UTC(year, month - 1, 0));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(first), to: iso(last), month: iso(first).slice(0, 7) };
}
