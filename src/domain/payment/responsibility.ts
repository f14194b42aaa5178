/**
 * Payment responsibility (betalningsansvar) of one stay, day by day. Every calendar day
 * from the first ready notice to the end of the stay is judged under the agreement valid
 * on that very day, so an agreement change mid-stay splits the stay between agreements
 * without either of them knowing of the other. Each judged day comes out either paid,
 * with its price and the events behind it, or unpaid with the reason, so the invoice
 * basis can show why a day was or was not charged.
 *
 * Counting, per model:
 * - Day 0 is the day the municipality counts as having received the ready notice, or the
 *   admission notice if that came later (the law asks for both to have been received).
 *   Under an individual agreement with a cut-off time, a notice at or after the cut-off
 *   counts as received the next day.
 * - STATUTORY_DEFAULT: paid from day 3 (ready notice Monday → Thursday is the first paid
 *   day). The day of discharge is not paid: the law pays for days of inpatient care, and
 *   the discharge day ends the care. A withdrawal ends the ready status; a new ready
 *   notice starts the count again at its own day 0.
 * - INDIVIDUAL: paid from day `freeDays` (day 0 among the free days) or `freeDays + 1`
 *   (day 0 not among them); the discharge day per `dischargeDayCounts`; withdrawal,
 *   declined support and a late admission notice per `exclusions`.
 * - AVERAGE: no day is charged per patient; the month's average decides (average.ts).
 *   Days under such an agreement are listed as unpaid with that reason.
 * - Without an admission notice nothing is paid under any model.
 * The withdrawal day itself is not paid (the patient was not ready when the day ended),
 * and days are only judged before `until`, the end of the period being calculated.
 */

import {
  addDays,
  compareDates,
  dateRange,
  daysBetween,
  type IsoDate,
  isIsoDate,
  minDate,
  minutesOfTimeOfDay,
  stockholmDate,
  stockholmSecondsOfDay,
  stockholmTimeOfDay,
  yearOf,
} from '../calendar.js';
import { isSwedishWorkingDay, nonWorkingReason } from '../swedish-holidays.js';
import {
  type AgreementParties,
  agreementFor,
  careTypeOf,
  type PaymentAgreement,
  priceFor,
  STATUTORY_FIRST_PAID_DAY,
} from './agreement.js';
import { fail, ok, type PaymentError, type PaymentResult } from './errors.js';
import {
  type CaseTimeline,
  describeInstant,
  type ReadyPeriod,
  readTimeline,
  type StayEvents,
  type TimelineEvent,
} from './timeline.js';

export interface PaymentResponsibilityInput extends CaseTimeline {
  /** The first calendar day not calculated: '2026-04-01' calculates up to 31 March. */
  until: IsoDate;
}

/** A day the municipality pays for. */
export interface PaymentDay {
  date: IsoDate;
  agreementId: string;
  /** e.g. "day 3 after ready notice 2026-03-02 (lag 2017:612 default)". */
  reason: string;
  /** The events that produced the day: the admission notice and the ready notice. */
  eventIds: string[];
  /**
   * The ready notice (utskrivningsklar) whose count made the day payable: after a
   * withdrawal, the later notice that restarted the count, not the first of the stay.
   */
  readyNoticeId: string;
  /** What the count ran from, for descriptions: "ready notice 2026-03-14". */
  countedFrom: string;
  pricePerDay: number;
}

/** A day of the stay after a ready notice that is not paid, and why. */
export interface UnpaidDay {
  date: IsoDate;
  agreementId: string;
  reason: string;
  eventIds: string[];
}

export interface PaymentResponsibility {
  caseId: string;
  /** In date order, each date once. */
  days: PaymentDay[];
  /** In date order; no date is both paid and unpaid. */
  unpaidDays: UnpaidDay[];
  totalAmount: number;
}

/** An agreement's per-day rules in one shape, whatever its model. */
interface DayRules {
  label: string;
  /** Day index (day 0 = notice day) of the first paid day. */
  firstPaidDay: number;
  /** Free days counted in working days (weekends and Swedish holidays left out). */
  workingDays: { freeDays: number; dayZeroCounts: boolean } | null;
  freeDaysText: string;
  noticeCutoff: string | null;
  dischargeDayCounts: boolean;
  maxHoursToAdmissionNotice: number | null;
  withdrawnExcluded: boolean;
  supportDeclinedExcluded: boolean;
}

function dayRules(
  agreement: Exclude<PaymentAgreement, { model: 'AVERAGE' }>,
  psychiatric: boolean,
): DayRules {
  if (agreement.model === 'STATUTORY_DEFAULT') {
    return {
      label: 'lag 2017:612 default',
      firstPaidDay: STATUTORY_FIRST_PAID_DAY,
      workingDays: null,
      freeDaysText: 'paid from day 3',
      noticeCutoff: null,
      dischargeDayCounts: false,
      maxHoursToAdmissionNotice: null,
      withdrawnExcluded: true,
      supportDeclinedExcluded: false,
    };
  }
  const p = agreement.parameters;
  const freeDays = psychiatric ? p.freeDays.psychiatric : p.freeDays.somatic;
  const care = psychiatric ? 'psychiatric' : 'somatic';
  return {
    label: `agreement ${agreement.name}`,
    firstPaidDay: p.dayZeroCounts ? freeDays : freeDays + 1,
    workingDays:
      p.freeDayCounting === 'WORKING_DAYS' ? { freeDays, dayZeroCounts: p.dayZeroCounts } : null,
    freeDaysText: `${freeDays} free ${p.freeDayCounting === 'WORKING_DAYS' ? 'working ' : ''}days ${p.dayZeroCounts ? 'including' : 'after'} day 0, ${care} care`,
    noticeCutoff: p.noticeCutoff,
    dischargeDayCounts: p.dischargeDayCounts,
    maxHoursToAdmissionNotice: p.exclusions.lateAdmissionNotice?.maxHoursAfterAdmission ?? null,
    withdrawnExcluded: p.exclusions.readyWithdrawn,
    supportDeclinedExcluded: p.exclusions.supportDeclined,
  };
}

/** The free working days from day 0 and the first paid day after them. */
interface WorkingFreeDays {
  counted: IsoDate[];
  firstPaidDate: IsoDate;
}

/**
 * Free days counted in working days: from day 0 (when it is among the free days) or the
 * day after, each working day counts until `freeDays` have been counted; the days in
 * between that are not working days are free as well, and the day after the last counted
 * one is the first paid day, whatever kind of day it is.
 */
function workingFreeDays(
  dayZero: IsoDate,
  freeDays: number,
  dayZeroCounts: boolean,
): WorkingFreeDays {
  const counted: IsoDate[] = [];
  let day = dayZeroCounts ? dayZero : addDays(dayZero, 1);
  while (counted.length < freeDays) {
    if (isSwedishWorkingDay(day)) counted.push(day);
    day = addDays(day, 1);
  }
  const firstPaidDate = counted.length === 0 ? day : addDays(counted[counted.length - 1]!, 1);
  return { counted, firstPaidDate };
}

function describeFreeDay(date: IsoDate, schedule: WorkingFreeDays): string {
  const index = schedule.counted.indexOf(date);
  if (index >= 0) return `working day ${index + 1} of ${schedule.counted.length}`;
  const reason = nonWorkingReason(date);
  return reason === null ? 'before the free working days' : `${reason}, not a working day`;
}

/** The period's first day and last day that the stay covers (the discharge day included). */
function periodDates(period: ReadyPeriod): { from: IsoDate; to: IsoDate | null } {
  const from = stockholmDate(period.notice.occurredAt);
  if (period.end === null) return { from, to: null };
  const endDate = stockholmDate(period.end.event.occurredAt);
  // A withdrawal day belongs to the withdrawn stretch; a discharge day is judged by the
  // agreement's discharge-day rule, so it stays in the period.
  return { from, to: period.end.kind === 'WITHDRAWN' ? addDays(endDate, -1) : endDate };
}

function covers(period: ReadyPeriod, date: IsoDate): boolean {
  const { from, to } = periodDates(period);
  return compareDates(from, date) <= 0 && (to === null || compareDates(date, to) <= 0);
}

/** The whole stay from the first ready notice, for agreements that disregard withdrawals. */
function mergedPeriod(stay: StayEvents): ReadyPeriod | null {
  const first = stay.readyPeriods[0];
  if (first === undefined) return null;
  return {
    notice: first.notice,
    end: stay.discharge === null ? null : { kind: 'DISCHARGED', event: stay.discharge },
  };
}

type Judgement =
  | { paid: true; day: PaymentDay }
  | { paid: false; day: UnpaidDay }
  | { error: PaymentError };

interface DayContext {
  input: PaymentResponsibilityInput;
  stay: StayEvents;
  merged: ReadyPeriod;
}

function unpaid(
  date: IsoDate,
  agreementId: string,
  reason: string,
  events: TimelineEvent[],
): Judgement {
  return { paid: false, day: { date, agreementId, reason, eventIds: events.map((e) => e.id) } };
}

function judgeDay(date: IsoDate, agreement: PaymentAgreement, context: DayContext): Judgement {
  const { input, stay } = context;
  if (agreement.model === 'AVERAGE') {
    return unpaid(
      date,
      agreement.id,
      `settled by the average model of agreement ${agreement.name}, not per patient`,
      [],
    );
  }
  const rules = dayRules(agreement, input.psychiatric);

  const period = rules.withdrawnExcluded
    ? stay.readyPeriods.find((p) => covers(p, date))
    : context.merged;
  if (period === undefined) {
    const withdrawn = stay.readyPeriods.filter(
      (p) =>
        p.end?.kind === 'WITHDRAWN' &&
        compareDates(stockholmDate(p.end.event.occurredAt), date) <= 0,
    );
    const withdrawal = withdrawn.at(-1)?.end?.event;
    return unpaid(
      date,
      agreement.id,
      `ready status withdrawn (avbrott)${withdrawal ? ` on ${describeInstant(withdrawal.occurredAt)}` : ''} and not yet notified again (${rules.label})`,
      withdrawal ? [withdrawal] : [],
    );
  }

  if (
    stay.discharge !== null &&
    date === stockholmDate(stay.discharge.occurredAt) &&
    !rules.dischargeDayCounts
  ) {
    return unpaid(
      date,
      agreement.id,
      `day of discharge, not a day of inpatient care (${rules.label})`,
      [stay.discharge],
    );
  }

  const admissionNotice = stay.admissionNotice;
  if (admissionNotice === null) {
    return unpaid(
      date,
      agreement.id,
      `no admission notice (inskrivningsmeddelande) received; payment needs both the admission and the ready notice (${rules.label})`,
      [period.notice],
    );
  }
  if (rules.maxHoursToAdmissionNotice !== null) {
    const hours = (admissionNotice.occurredAt.getTime() - input.admittedAt.getTime()) / 3_600_000;
    if (hours > rules.maxHoursToAdmissionNotice) {
      return unpaid(
        date,
        agreement.id,
        `admission notice sent ${hours.toFixed(1)} h after admission, later than the agreed ${rules.maxHoursToAdmissionNotice} h (${rules.label})`,
        [admissionNotice],
      );
    }
  }

  const admissionLater = admissionNotice.occurredAt.getTime() > period.notice.occurredAt.getTime();
  const received = admissionLater ? admissionNotice : period.notice;
  const anchor = admissionLater
    ? `admission notice ${stockholmDate(received.occurredAt)} (received after the ready notice ${stockholmDate(period.notice.occurredAt)})`
    : `ready notice ${stockholmDate(received.occurredAt)}`;
  const receivedDate = stockholmDate(received.occurredAt);
  const afterCutoff =
    rules.noticeCutoff !== null &&
    stockholmSecondsOfDay(received.occurredAt) >= minutesOfTimeOfDay(rules.noticeCutoff) * 60;
  const dayZero = afterCutoff ? addDays(receivedDate, 1) : receivedDate;
  const cutoffNote = afterCutoff
    ? `, counted from ${dayZero}: sent ${stockholmTimeOfDay(received.occurredAt)}, at or after the ${rules.noticeCutoff} cut-off`
    : '';
  const sources = [admissionNotice, period.notice];

  if (compareDates(date, dayZero) < 0) {
    return unpaid(date, agreement.id, `${anchor}${cutoffNote} (${rules.label})`, sources);
  }
  const dayIndex = daysBetween(dayZero, date);
  const schedule =
    rules.workingDays === null
      ? null
      : workingFreeDays(dayZero, rules.workingDays.freeDays, rules.workingDays.dayZeroCounts);
  const free =
    schedule === null
      ? dayIndex < rules.firstPaidDay
      : compareDates(date, schedule.firstPaidDate) < 0;
  if (free) {
    return unpaid(
      date,
      agreement.id,
      `day ${dayIndex} after ${anchor}${cutoffNote}: free day, ${rules.freeDaysText}${schedule === null ? '' : `, ${describeFreeDay(date, schedule)}`} (${rules.label})`,
      sources,
    );
  }
  const freeNote =
    schedule === null || schedule.counted.length === 0
      ? ''
      : `, after the free working days ${schedule.counted.join(', ')}`;

  if (rules.supportDeclinedExcluded) {
    const span = stay.supportDeclined.find(
      (s) =>
        compareDates(stockholmDate(s.declined.occurredAt), date) <= 0 &&
        (s.accepted === null || compareDates(date, stockholmDate(s.accepted.occurredAt)) < 0),
    );
    if (span !== undefined) {
      return unpaid(
        date,
        agreement.id,
        `patient declined municipal support on ${describeInstant(span.declined.occurredAt)} (${rules.label})`,
        [span.declined],
      );
    }
  }

  const price = priceFor(agreement, yearOf(date), careTypeOf(input));
  if (!price.ok) return { error: price.error };
  return {
    paid: true,
    day: {
      date,
      agreementId: agreement.id,
      reason: `day ${dayIndex} after ${anchor}${cutoffNote}${freeNote} (${rules.label})`,
      eventIds: sources.map((e) => e.id),
      readyNoticeId: period.notice.id,
      countedFrom: `${anchor}${cutoffNote}`,
      pricePerDay: price.value,
    },
  };
}

/**
 * The days of the stay the municipality pays for, up to (not including) `input.until`,
 * each under the agreement valid on that day for the case's region and municipality.
 * Errors: EVENTS_OUT_OF_ORDER and INVALID_TIMELINE from the event list (see
 * readTimeline), NO_AGREEMENT for a day of the stay no agreement covers,
 * OVERLAPPING_AGREEMENTS when two agreements claim a day, MISSING_PRICE for a paid day in
 * a year its agreement has no price for.
 */
export function paymentResponsibilityDays(
  input: PaymentResponsibilityInput,
  agreements: readonly PaymentAgreement[],
): PaymentResult<PaymentResponsibility> {
  if (!isIsoDate(input.until)) {
    return fail(
      'INVALID_TIMELINE',
      `until must be a calendar date written YYYY-MM-DD, not '${input.until}'`,
    );
  }
  const read = readTimeline(input);
  if (!read.ok) return read;
  const stay = read.value;
  const result: PaymentResponsibility = {
    caseId: input.caseId,
    days: [],
    unpaidDays: [],
    totalAmount: 0,
  };
  const merged = mergedPeriod(stay);
  if (merged === null) return ok(result);

  const first = stockholmDate(merged.notice.occurredAt);
  const last = stay.discharge === null ? null : stockholmDate(stay.discharge.occurredAt);
  const end = last === null ? input.until : minDate(addDays(last, 1), input.until);
  const parties: AgreementParties = {
    regionId: input.regionId,
    municipalityId: input.municipalityId,
  };
  const context: DayContext = { input, stay, merged };

  let amountInOre = 0;
  for (const date of dateRange(first, end)) {
    const agreement = agreementFor(agreements, parties, date);
    if (!agreement.ok) return agreement;
    const judgement = judgeDay(date, agreement.value, context);
    if ('error' in judgement) return { ok: false, error: judgement.error };
    if (judgement.paid) {
      result.days.push(judgement.day);
      amountInOre += Math.round(judgement.day.pricePerDay * 100);
    } else {
      result.unpaidDays.push(judgement.day);
    }
  }
  result.totalAmount = amountInOre / 100;
  return ok(result);
}
