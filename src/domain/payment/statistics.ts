/**
 * The indicators of coordinated discharge per municipality (or Stockholm district) and
 * month, as plain series ready to plot: one series per municipality and indicator, one
 * point per month, null where the month has nothing to measure. Pure: the caller loads
 * the case timelines and agreements, this only counts.
 *
 * Definitions:
 * - readyCases: cases with a ready notice in the month (counted once a month however
 *   often the status was withdrawn and notified again).
 * - discharges: cases discharged in the month.
 * - readyDays*: days from ready notice to discharge of the stays closed in the month
 *   (see average.ts); National counts stays of at least one day, as the national figure
 *   does; Local includes discharges on the day of the ready notice as 0 days.
 * - rollingAverage*: the pooled average of the month and the two before it.
 * - paymentDays / paymentAmount: days charged per patient in the month
 *   (paymentResponsibilityDays), plus, for months under an average agreement, the excess
 *   days and amount settled in the month (assessAverageModel).
 * - admissionNoticeWithin24hShare: of the cases admitted in the month, the share whose
 *   admission notice was in time (src/domain/deadlines: 24 hours of admission, or the
 *   region's shorter routine; the same decision as the inbox and `Case.deadlines`). A case with no admission
 *   notice counts as late: the law asks for the notice within 24 h, and leaving the cases
 *   without one out of the denominator would reward not sending it at all. Only a case
 *   admitted less than 24 h before `asOf` without a notice yet is left out: it can still
 *   be in time.
 * - sipCallWithin3DaysShare: of the cases first notified ready in the month that have a
 *   call to coordinated planning (SIP), the share called in time after the first ready
 *   notice (src/domain/deadlines: by the end of the 3rd calendar day; a call before the
 *   notice counts as in time).
 * A case whose event list cannot be read, or whose payment cannot be calculated, is
 * reported in `problems`, and left out of the indicators it could not be counted in.
 */

import {
  addMonths,
  firstDayOfMonth,
  monthOf,
  monthRange,
  stockholmDate,
  type YearMonth,
} from '../calendar.js';
import {
  admissionNoticeDue,
  type DeadlineRules,
  isLate,
  rulesFor,
  STATUTORY_DEADLINES,
  sipCallDue,
} from '../deadlines/rules.js';
import { agreementFor, type PaymentAgreement } from './agreement.js';
import {
  assessAverageModel,
  type ClosedStay,
  closedStayOf,
  monthlyReadyDays,
  pooledAverage,
} from './average.js';
import type { PaymentError } from './errors.js';
import { paymentResponsibilityDays } from './responsibility.js';
import { type CaseTimeline, readTimeline, type StayEvents } from './timeline.js';

export const INDICATORS = {
  readyCases: { label: 'Cases that became ready for discharge', unit: 'cases' },
  discharges: { label: 'Discharges', unit: 'cases' },
  readyDaysTotalNational: {
    label: 'Days from ready notice to discharge, stays of at least 1 day (national)',
    unit: 'days',
  },
  readyDaysAverageNational: {
    label: 'Average days from ready notice to discharge, stays of at least 1 day (national)',
    unit: 'days',
  },
  readyDaysTotalLocal: {
    label: 'Days from ready notice to discharge, day-0 stays included (local)',
    unit: 'days',
  },
  readyDaysAverageLocal: {
    label: 'Average days from ready notice to discharge, day-0 stays included (local)',
    unit: 'days',
  },
  rollingAverageNational: { label: '3-month rolling average days (national)', unit: 'days' },
  rollingAverageLocal: { label: '3-month rolling average days (local)', unit: 'days' },
  paymentDays: { label: 'Days with payment responsibility', unit: 'days' },
  paymentAmount: { label: 'Amount for payment responsibility', unit: 'SEK' },
  admissionNoticeWithin24hShare: {
    label:
      'Share of admitted cases whose admission notice was sent within 24 h (cases without a notice count as late)',
    unit: 'share',
  },
  sipCallWithin3DaysShare: {
    label: 'Share of SIP calls within 3 days of the ready notice',
    unit: 'share',
  },
} as const;

export type Indicator = keyof typeof INDICATORS;
export type IndicatorUnit = (typeof INDICATORS)[Indicator]['unit'];

export interface SeriesPoint {
  month: YearMonth;
  value: number | null;
}

export interface IndicatorSeries {
  municipalityId: string;
  indicator: Indicator;
  label: string;
  unit: IndicatorUnit;
  points: SeriesPoint[];
}

export interface StatisticsProblem {
  municipalityId: string;
  /** null for a problem of the municipality's month rather than of one case. */
  caseId: string | null;
  error: PaymentError;
}

export interface StatisticsInput {
  timelines: readonly CaseTimeline[];
  agreements: readonly PaymentAgreement[];
  /** First and last month, both included. */
  from: YearMonth;
  to: YearMonth;
  /**
   * When the figures are taken: a case admitted less than 24 h before it and without an
   * admission notice yet is not (yet) late. Absent: every case without a notice is late.
   */
  asOf?: Date;
  /** The deadline versions (table deadline_rule); absent: the law's defaults. */
  deadlines?: readonly DeadlineRules[];
}

export interface PaymentStatistics {
  months: YearMonth[];
  series: IndicatorSeries[];
  problems: StatisticsProblem[];
}

const ROLLING_MONTHS = 3;

interface ReadCase {
  timeline: CaseTimeline;
  stay: StayEvents;
}

/** Counts per month, for months inside the requested range only. */
class MonthCounter {
  private readonly values = new Map<YearMonth, number>();
  constructor(private readonly months: readonly YearMonth[]) {}

  add(month: YearMonth, amount = 1): void {
    if (!this.months.includes(month)) return;
    this.values.set(month, (this.values.get(month) ?? 0) + amount);
  }

  value(month: YearMonth): number {
    return this.values.get(month) ?? 0;
  }
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function municipalitySeries(
  municipalityId: string,
  cases: readonly ReadCase[],
  input: StatisticsInput,
  months: readonly YearMonth[],
  problems: StatisticsProblem[],
): IndicatorSeries[] {
  const counters = {
    readyCases: new MonthCounter(months),
    discharges: new MonthCounter(months),
    paymentDays: new MonthCounter(months),
    paymentOre: new MonthCounter(months),
    admissionNotices: new MonthCounter(months),
    admissionNoticesInTime: new MonthCounter(months),
    sipCalls: new MonthCounter(months),
    sipCallsInTime: new MonthCounter(months),
  };
  const stays: ClosedStay[] = [];
  const until = firstDayOfMonth(addMonths(input.to, 1));

  for (const { timeline, stay } of cases) {
    const readyMonths = new Set(
      stay.readyPeriods.map((p) => monthOf(stockholmDate(p.notice.occurredAt))),
    );
    for (const month of readyMonths) counters.readyCases.add(month);
    if (stay.discharge !== null) {
      counters.discharges.add(monthOf(stockholmDate(stay.discharge.occurredAt)));
    }

    const admittedMonth = monthOf(stockholmDate(timeline.admittedAt));
    const versions = input.deadlines ?? [STATUTORY_DEADLINES];
    const admissionRules = rulesFor(versions, timeline.regionId, timeline.admittedAt);
    const noticeDue = admissionRules
      ? admissionNoticeDue(admissionRules, timeline.admittedAt)
      : null;
    if (stay.admissionNotice !== null) {
      counters.admissionNotices.add(admittedMonth);
      if (!isLate(noticeDue, stay.admissionNotice.occurredAt, stay.admissionNotice.occurredAt)) {
        counters.admissionNoticesInTime.add(admittedMonth);
      }
    } else if (input.asOf === undefined || isLate(noticeDue, null, input.asOf)) {
      // No notice, and the 24 h have passed: late (see the definition above).
      counters.admissionNotices.add(admittedMonth);
    }

    const firstReady = stay.readyPeriods[0];
    if (firstReady !== undefined && stay.sipCall !== null) {
      const readyAt = firstReady.notice.occurredAt;
      const readyOn = stockholmDate(readyAt);
      counters.sipCalls.add(monthOf(readyOn));
      const sipRules = rulesFor(versions, timeline.regionId, readyAt);
      const sipDue = sipRules ? sipCallDue(sipRules, readyAt) : null;
      if (!isLate(sipDue, stay.sipCall.occurredAt, stay.sipCall.occurredAt)) {
        counters.sipCallsInTime.add(monthOf(readyOn));
      }
    }

    const closed = closedStayOf(timeline.caseId, stay);
    if (closed !== null) stays.push(closed);

    const payment = paymentResponsibilityDays({ ...timeline, until }, input.agreements);
    if (!payment.ok) {
      problems.push({ municipalityId, caseId: timeline.caseId, error: payment.error });
      continue;
    }
    for (const day of payment.value.days) {
      counters.paymentDays.add(monthOf(day.date));
      counters.paymentOre.add(monthOf(day.date), Math.round(day.pricePerDay * 100));
    }
  }

  const first = cases[0];
  if (first !== undefined) {
    // An assessment settled next month must be made for the month before the range too.
    for (const month of monthRange(addMonths(input.from, -1), input.to)) {
      const agreement = agreementFor(
        input.agreements,
        { regionId: first.timeline.regionId, municipalityId },
        firstDayOfMonth(month),
      );
      if (!agreement.ok) {
        if (agreement.error.code !== 'NO_AGREEMENT') {
          problems.push({ municipalityId, caseId: null, error: agreement.error });
        }
        continue;
      }
      if (agreement.value.model !== 'AVERAGE') continue;
      const assessment = assessAverageModel(agreement.value, month, stays);
      if (!assessment.ok) {
        problems.push({ municipalityId, caseId: null, error: assessment.error });
        continue;
      }
      counters.paymentDays.add(assessment.value.settlementMonth, assessment.value.excessDays);
      counters.paymentOre.add(assessment.value.settlementMonth, assessment.value.amountInOre);
    }
  }

  const national = (month: YearMonth) => monthlyReadyDays(month, stays, 'EXCLUDED');
  const local = (month: YearMonth) => monthlyReadyDays(month, stays, 'COUNTED_AS_DAY_0');
  const rolling = (month: YearMonth, rule: typeof national) =>
    pooledAverage(monthRange(addMonths(month, -(ROLLING_MONTHS - 1)), month).map(rule));

  const values: Record<Indicator, (month: YearMonth) => number | null> = {
    readyCases: (m) => counters.readyCases.value(m),
    discharges: (m) => counters.discharges.value(m),
    readyDaysTotalNational: (m) => national(m).totalDays,
    readyDaysAverageNational: (m) => national(m).averageDays,
    readyDaysTotalLocal: (m) => local(m).totalDays,
    readyDaysAverageLocal: (m) => local(m).averageDays,
    rollingAverageNational: (m) => rolling(m, national),
    rollingAverageLocal: (m) => rolling(m, local),
    paymentDays: (m) => Math.round(counters.paymentDays.value(m) * 100) / 100,
    paymentAmount: (m) => counters.paymentOre.value(m) / 100,
    admissionNoticeWithin24hShare: (m) =>
      share(counters.admissionNoticesInTime.value(m), counters.admissionNotices.value(m)),
    sipCallWithin3DaysShare: (m) =>
      share(counters.sipCallsInTime.value(m), counters.sipCalls.value(m)),
  };

  return (Object.keys(INDICATORS) as Indicator[]).map((indicator) => ({
    municipalityId,
    indicator,
    label: INDICATORS[indicator].label,
    unit: INDICATORS[indicator].unit,
    points: months.map((month) => ({ month, value: values[indicator](month) })),
  }));
}

/**
 * The indicator series of every municipality that has a case among the timelines, for
 * each month from `from` to `to`. Municipalities come in id order, indicators in the
 * order of INDICATORS.
 */
export function paymentStatistics(input: StatisticsInput): PaymentStatistics {
  const months = monthRange(input.from, input.to);
  const problems: StatisticsProblem[] = [];
  const byMunicipality = new Map<string, ReadCase[]>();
  for (const timeline of input.timelines) {
    const read = readTimeline(timeline);
    if (!read.ok) {
      problems.push({
        municipalityId: timeline.municipalityId,
        caseId: timeline.caseId,
        error: read.error,
      });
      continue;
    }
    const cases = byMunicipality.get(timeline.municipalityId) ?? [];
    cases.push({ timeline, stay: read.value });
    byMunicipality.set(timeline.municipalityId, cases);
  }
  const series = [...byMunicipality.keys()]
    .sort()
    .flatMap((municipalityId) =>
      municipalitySeries(
        municipalityId,
        byMunicipality.get(municipalityId) ?? [],
        input,
        months,
        problems,
      ),
    );
  return { months, series, problems };
}
