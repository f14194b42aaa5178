/**
 * Retention (gallring) as the law and the information owners state it: a class of records
 * is kept for a period after its anchor (a case's last entry, the end of an invoice's
 * fiscal year, the end of an access-log month, the end of a session), counted in calendar
 * days in Europe/Stockholm, and may be purged from the day after that period has run out.
 * Pure: the purge job (src/retention) runs the same rules in SQL, and its tests hold both
 * to the boundary dates computed here.
 */
import { addDays, compareDates, type IsoDate, stockholmDate, yearOf } from '../calendar.js';

/** What a policy governs. PATIENT_IDENTITY has no policy: it follows the cases. */
export const RECORD_CLASSES = [
  'CASE',
  'INVOICE_BASIS',
  'ACCESS_LOG',
  'IDENTITY_EVENT',
  'REPLAY_CACHE',
  'SESSION',
  'PATIENT_IDENTITY',
] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

/** Classes an information owner decides for its own organisation; the rest are the system's. */
export const OWNER_DECIDED_CLASSES: readonly RecordClass[] = [
  'CASE',
  'INVOICE_BASIS',
  'ACCESS_LOG',
];

/** The shortest retention the law allows, in months after the anchor. */
export const LEGAL_MINIMUM_MONTHS: Partial<Record<RecordClass, number>> = {
  /** HSLF-FS 2016:40: access logs at least five years. */
  ACCESS_LOG: 60,
  /** Bokföringslagen 7 kap. 2 §: seven years after the end of the fiscal year. */
  INVOICE_BASIS: 84,
};

export interface RetentionRule {
  months: number;
  days: number;
  /** Days of the month of birth whose records are kept for research (5, 15, 25). */
  keepBirthDays: readonly number[];
}

/** `date` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsToDate(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`whole months only, got ${months}`);
  const year = yearOf(date);
  const index = year * 12 + Number(date.slice(5, 7)) - 1 + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), lastDay);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The last day a record anchored on `anchor` must be kept: anchor plus the months, then
 * the days (the order PostgreSQL adds an interval in, which the purge SQL relies on).
 */
export function keptThrough(
  anchor: IsoDate,
  rule: Pick<RetentionRule, 'months' | 'days'>,
): IsoDate {
  return addDays(addMonthsToDate(anchor, rule.months), rule.days);
}

/** The first day the record may be purged. */
export function purgeableFrom(
  anchor: IsoDate,
  rule: Pick<RetentionRule, 'months' | 'days'>,
): IsoDate {
  return addDays(keptThrough(anchor, rule), 1);
}

export function isDue(
  anchor: IsoDate,
  rule: Pick<RetentionRule, 'months' | 'days'>,
  asOf: IsoDate,
): boolean {
  return compareDates(keptThrough(anchor, rule), asOf) < 0;
}

/**
 * The latest anchor day that is due on `asOf` under `rule`: every record anchored on or
 * before it is due, none after (isDue only grows as the anchor goes back). Months clamp to
 * the month's end (31 Jan + 1 month = 28 Feb), so taking the months off `asOf` does not
 * undo adding them: from that estimate this steps to the exact day, a few steps at most.
 */
export function latestDueAnchor(
  asOf: IsoDate,
  rule: Pick<RetentionRule, 'months' | 'days'>,
): IsoDate {
  let anchor = addMonthsToDate(addDays(asOf, -rule.days - 1), -rule.months);
  while (!isDue(anchor, rule, asOf)) anchor = addDays(anchor, -1);
  while (isDue(addDays(anchor, 1), rule, asOf)) anchor = addDays(anchor, 1);
  return anchor;
}

/**
 * Where a candidate search may stop: no record anchored on or after this day is due on
 * `asOf` under any of `rules`. The shortest months and the shortest days together bound
 * every rule, since a record is due sooner under fewer months or fewer days.
 */
export function firstDayNotDue(
  asOf: IsoDate,
  rules: readonly Pick<RetentionRule, 'months' | 'days'>[],
): IsoDate {
  const shortest = {
    months: Math.min(...rules.map((r) => r.months)),
    days: Math.min(...rules.map((r) => r.days)),
  };
  return addDays(latestDueAnchor(asOf, shortest), 1);
}

/**
 * The anchor of an access-log partition, whose rows are anchored on their own Stockholm
 * day but which goes whole. Partitions are UTC months (the hash chain is per partition),
 * while the rules count Stockholm days, and Stockholm is ahead of UTC: the last rows of a
 * UTC month (23:00–24:00 UTC in winter, 22:00–24:00 in summer) were logged on the 1st of
 * the next month in Stockholm. So a partition is anchored on the Stockholm day of its last
 * instant, which is that 1st: no row in it is younger, so none goes before its full
 * period has run out (a row logged at 00:30 on 1 January sits in December's partition and
 * keeps it a day longer). Decided over Stockholm-month partitions, which would re-chain
 * every month already written and sealed.
 */
export function accessLogPartitionAnchor(monthStartUtc: Date): IsoDate {
  const lastInstant =
    Date.UTC(monthStartUtc.getUTCFullYear(), monthStartUtc.getUTCMonth() + 1, 1) - 1;
  return stockholmDate(new Date(lastInstant));
}

/** The anchor of accounting records: the last day of the invoice period's fiscal (calendar) year. */
export function fiscalYearEnd(period: IsoDate): IsoDate {
  return `${yearOf(period)}-12-31`;
}

/**
 * The day of the month someone was born, from a personnummer or samordningsnummer
 * (YYYYMMDDNNNC; a samordningsnummer adds 60 to the day).
 */
export function birthDayOfMonth(personalIdentityNumber: string): number {
  const day = Number(personalIdentityNumber.slice(6, 8));
  return day > 60 ? day - 60 : day;
}

export function keptForResearch(personalIdentityNumber: string, rule: RetentionRule): boolean {
  return rule.keepBirthDays.includes(birthDayOfMonth(personalIdentityNumber));
}

/**
 * A record shared by several organisations (a case, an invoice) is each one's
 * information: it goes only when every owner's retention has run out, so the longest
 * applies, and any owner's research exception keeps it.
 */
export function bindingRule<R extends RetentionRule>(anchor: IsoDate, rules: readonly R[]): R {
  if (rules.length === 0) throw new RangeError('a record without an owner has no retention rule');
  return rules.reduce((longest, rule) =>
    compareDates(keptThrough(anchor, rule), keptThrough(anchor, longest)) > 0 ? rule : longest,
  );
}

export type PolicyProblem =
  | { code: 'RETENTION_BELOW_LEGAL_MINIMUM'; field: 'retainMonths'; message: string }
  | { code: 'RETENTION_NOT_PER_ORGANIZATION'; field: 'recordClass'; message: string }
  | { code: 'INVALID_BIRTH_DAYS'; field: 'keepBirthDays'; message: string }
  | { code: 'INVALID_RETENTION_PERIOD'; field: 'retainMonths' | 'retainDays'; message: string }
  | { code: 'DECISION_REQUIRED'; field: 'decision'; message: string };

/** Checks an information owner's decision before it is recorded; null when it may stand. */
export function checkOwnerDecision(input: {
  recordClass: RecordClass;
  retainMonths: number;
  retainDays: number;
  keepBirthDays: readonly number[];
  decision: string;
}): PolicyProblem | null {
  if (!OWNER_DECIDED_CLASSES.includes(input.recordClass)) {
    return {
      code: 'RETENTION_NOT_PER_ORGANIZATION',
      field: 'recordClass',
      message: `${input.recordClass} records are the system's own; their retention is one policy for all.`,
    };
  }
  if (
    !Number.isInteger(input.retainMonths) ||
    input.retainMonths < 0 ||
    input.retainMonths > 1200
  ) {
    return {
      code: 'INVALID_RETENTION_PERIOD',
      field: 'retainMonths',
      message: 'retainMonths must be a whole number from 0 to 1200.',
    };
  }
  if (!Number.isInteger(input.retainDays) || input.retainDays < 0 || input.retainDays > 36500) {
    return {
      code: 'INVALID_RETENTION_PERIOD',
      field: 'retainDays',
      message: 'retainDays must be a whole number from 0 to 36500.',
    };
  }
  const minimum = LEGAL_MINIMUM_MONTHS[input.recordClass];
  if (minimum !== undefined && input.retainMonths < minimum) {
    return {
      code: 'RETENTION_BELOW_LEGAL_MINIMUM',
      field: 'retainMonths',
      message: `${input.recordClass} must be kept at least ${minimum} months by law.`,
    };
  }
  const days = input.keepBirthDays;
  if (
    days.some((d) => !Number.isInteger(d) || d < 1 || d > 31) ||
    new Set(days).size !== days.length ||
    (days.length > 0 && input.recordClass !== 'CASE')
  ) {
    return {
      code: 'INVALID_BIRTH_DAYS',
      field: 'keepBirthDays',
      message: 'keepBirthDays are distinct days 1–31, and only for case records.',
    };
  }
  const decision = input.decision.trim();
  if (decision.length < 5 || decision.length > 500) {
    return {
      code: 'DECISION_REQUIRED',
      field: 'decision',
      message: 'Name the decision implemented (body, date, reference): 5 to 500 characters.',
    };
  }
  return null;
}
