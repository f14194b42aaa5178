/**
 * The deadlines of coordinated discharge, and the one decision of what is late. Pure: the
 * numbers come from versioned data (table `deadline_rule`, per region, the law's defaults
 * for a region without its own), the instants from the case. The inbox, the `deadlines`
 * of a case, a message's acknowledgement due time and the statistics' 24-hour and 3-day
 * indicators all ask this module, so they cannot disagree.
 *
 * A due time is the last instant at which the step is still in time: done at `dueAt`
 * exactly is in time, a millisecond later is late. Steps counted in calendar or working
 * days end at the last millisecond of the Stockholm day (ARCHITECTURE invariant 6), so a
 * DST switch makes such a day 23 or 25 hours long but never moves its end.
 */
import { addDays, type IsoDate, startOfStockholmDay, stockholmDate } from '../calendar.js';
import { isSwedishWorkingDay } from '../swedish-holidays.js';

/** One version of the deadline numbers: the law's defaults or one region's routine. */
export interface DeadlineRules {
  id: string;
  /** The region whose routine this is; null: the law's defaults. */
  regionId: string | null;
  validFrom: Date;
  /** Inskrivningsmeddelande: within this many hours of the admission. */
  admissionNoticeHours: number;
  /** Kvittens: by the end of this many working days after the day the message arrived. */
  acknowledgementWorkingDays: number;
  /** Planeringsunderlag: within this many hours of the admission notice. */
  planningBasisHours: number;
  /** Kallelse till SIP: by the end of this many calendar days after the ready notice's day. */
  sipCallDays: number;
  decision: string;
}

/**
 * The law's defaults as the migration stores them (deadline_rule version 1): for pure
 * callers that are given no versions (a unit test, a figure without the database).
 */
export const STATUTORY_DEADLINES: DeadlineRules = {
  id: '00000000-0000-4000-8000-00002017d612',
  regionId: null,
  validFrom: new Date('2018-01-01T00:00:00+01:00'),
  admissionNoticeHours: 24,
  acknowledgementWorkingDays: 1,
  planningBasisHours: 48,
  sipCallDays: 3,
  decision:
    'Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård; kvittens och planeringsunderlag enligt vanlig regional rutin',
};

/** The steps with a deadline, in the order of the process. */
export const DEADLINE_STEPS = [
  'ADMISSION_NOTICE',
  'ACKNOWLEDGEMENT',
  'PLANNING_BASIS',
  'FIXED_CARE_CONTACT',
  'SIP_CALL',
  'DISCHARGE_INFORMATION',
] as const;

export type DeadlineStep = (typeof DEADLINE_STEPS)[number];

const HOUR_MS = 3_600_000;

/**
 * The version that governs a step whose clock started at `anchor`: the region's own
 * version in force then, else the law's defaults in force then. Null only when no version
 * at all was in force (before 2018-01-01): such a step has no deadline.
 */
export function rulesFor(
  versions: readonly DeadlineRules[],
  regionId: string | null,
  anchor: Date,
): DeadlineRules | null {
  const inForce = (forRegion: string | null) =>
    versions
      .filter((v) => v.regionId === forRegion && v.validFrom.getTime() <= anchor.getTime())
      .reduce<DeadlineRules | null>(
        (latest, v) =>
          latest === null || v.validFrom.getTime() > latest.validFrom.getTime() ? v : latest,
        null,
      );
  return (regionId !== null ? inForce(regionId) : null) ?? inForce(null);
}

/** The last millisecond of a Stockholm calendar day. */
export function endOfStockholmDay(date: IsoDate): Date {
  return new Date(startOfStockholmDay(addDays(date, 1)).getTime() - 1);
}

/** Admission notice: `admissionNoticeHours` after the admission. */
export function admissionNoticeDue(rules: DeadlineRules, admittedAt: Date): Date {
  return new Date(admittedAt.getTime() + rules.admissionNoticeHours * HOUR_MS);
}

/**
 * Acknowledgement: the end of the `acknowledgementWorkingDays`-th Swedish working day
 * after the day the message arrived (0: the arrival day itself, or the first working day
 * when it arrived on a weekend or holiday).
 */
export function acknowledgementDue(rules: DeadlineRules, sentAt: Date): Date {
  let day = stockholmDate(sentAt);
  while (!isSwedishWorkingDay(day)) day = addDays(day, 1);
  for (let left = rules.acknowledgementWorkingDays; left > 0; ) {
    day = addDays(day, 1);
    if (isSwedishWorkingDay(day)) left -= 1;
  }
  return endOfStockholmDay(day);
}

/** Planning basis: `planningBasisHours` after the admission notice. */
export function planningBasisDue(rules: DeadlineRules, admissionNoticeAt: Date): Date {
  return new Date(admissionNoticeAt.getTime() + rules.planningBasisHours * HOUR_MS);
}

/** Call to SIP: the end of the `sipCallDays`-th calendar day after the ready notice's day. */
export function sipCallDue(rules: DeadlineRules, readyAt: Date): Date {
  return endOfStockholmDay(addDays(stockholmDate(readyAt), rules.sipCallDays));
}

/** Discharge information: no later than the (planned) day of discharge. */
export function dischargeInformationDue(dischargeAt: Date): Date {
  return endOfStockholmDay(stockholmDate(dischargeAt));
}

/** Fixed care contact: named before the discharge, so due at the planned discharge itself. */
export function fixedCareContactDue(plannedDischargeAt: Date): Date {
  return plannedDischargeAt;
}

/**
 * The one decision of "late". A step done at `doneAt` is late when that is after its due
 * time; a step not done is overdue once `now` is past it. No due time: never late.
 */
export function isLate(dueAt: Date | null, doneAt: Date | null, now: Date): boolean {
  if (dueAt === null) return false;
  return (doneAt ?? now).getTime() > dueAt.getTime();
}
