/**
 * The invoice basis (faktureringsunderlag) of one region and one municipality or district
 * for one month, computed from the event lists and the agreements: a line per case and
 * agreement price with the days charged in the month, the price and the amount, and the
 * events behind the days; plus, under an average agreement, one line for the month's
 * excess over the agreed average. Pure: loading and writing are the service's.
 *
 * Every problem is collected before anything is drafted (an event list out of order, an
 * agreement missing or overlapping, a price missing for a year) and reported together, so
 * one round of fixes is enough.
 */

import {
  addMonths,
  firstDayOfMonth,
  type IsoDate,
  minDate,
  monthOf,
  type YearMonth,
} from '../domain/calendar.js';
import {
  type AgreementParties,
  agreementFor,
  type PaymentAgreement,
  validateAgreementSet,
} from '../domain/payment/agreement.js';
import { assessAverageModel, type ClosedStay, closedStay } from '../domain/payment/average.js';
import type { PaymentError } from '../domain/payment/errors.js';
import {
  type PaymentDay,
  paymentResponsibilityDays,
  type UnpaidDay,
} from '../domain/payment/responsibility.js';
import { InvoicingError } from './errors.js';
import type { LoadedCase } from './load.js';
import type { Ore } from './money.js';
import { oreOf } from './money.js';

/** One day of a line: why it is charged (or credited) and the events that say so. */
export interface LineDay {
  date: IsoDate;
  reason: string;
  /** A subset of the line's eventIds. */
  eventIds: string[];
  /** The ready notice whose count made the day payable; null on a day it does not apply to. */
  readyNoticeId: string | null;
}

export interface BasisLine {
  caseId: string | null;
  description: string;
  days: number;
  dates: IsoDate[];
  pricePerDay: Ore;
  amount: Ore;
  eventIds: string[];
  /** Per date of `dates`, in the same order; empty on a line without days. */
  dayDetails: LineDay[];
  /** A cost-sharing line counted against a contract's cap. */
  costSharingContractId?: string | null;
}

export interface BasisInput {
  regionId: string;
  municipalityId: string;
  month: YearMonth;
  /** First day not judged: the next month's first day, or tomorrow for a running month. */
  until: IsoDate;
  cases: readonly LoadedCase[];
  agreements: readonly PaymentAgreement[];
}

/** What the event list supports for one case in the month, day by day. */
export interface CaseMonth {
  case: LoadedCase;
  /** The paid days in the month, in date order. */
  days: PaymentDay[];
  /** The days of the stay in the month that are not paid, and why. */
  unpaidDays: UnpaidDay[];
}

export interface InvoiceBasis {
  lines: BasisLine[];
  /** Per case, the days behind the lines (corrections compare these day by day). */
  cases: CaseMonth[];
  /** The agreement valid on the month's first day, if any. */
  agreementId: string | null;
}

function fail(problems: PaymentError[]): never {
  const first = problems[0]!;
  const message =
    problems.length === 1
      ? first.message
      : `${problems.length} problems must be fixed before the invoice basis can be drafted:\n${problems
          .map((p) => `- [${p.code}] ${p.message}`)
          .join('\n')}`;
  throw new InvoicingError(first.code, message);
}

export function dateSpan(dates: readonly IsoDate[]): string {
  const first = dates[0];
  const last = dates.at(-1);
  if (first === undefined || last === undefined) return '';
  return first === last ? first : `${first}–${last}`;
}

/**
 * The lines of the basis. Throws InvoicingError (code of the first problem) naming every
 * case and agreement to fix.
 */
export function invoiceBasis(input: BasisInput): InvoiceBasis {
  const monthStart = firstDayOfMonth(input.month);
  const monthEnd = firstDayOfMonth(addMonths(input.month, 1));
  const until = minDate(input.until, monthEnd);
  const parties: AgreementParties = {
    regionId: input.regionId,
    municipalityId: input.municipalityId,
  };
  // Only the agreements that can judge this municipality: its own, the region-wide ones
  // and the law's default for the whole country.
  const agreements = input.agreements.filter(
    (a) =>
      a.regionId === null ||
      (a.regionId === input.regionId &&
        (a.municipalityId === null || a.municipalityId === input.municipalityId)),
  );
  const names = new Map(agreements.map((a) => [a.id, a.name]));
  const problems: PaymentError[] = [];

  const set = validateAgreementSet(agreements, { from: monthStart, until: monthEnd });
  if (!set.ok) problems.push(set.error);

  const cases = input.cases.filter(
    (c) => c.regionId === input.regionId && c.municipalityId === input.municipalityId,
  );
  const lines: BasisLine[] = [];
  const caseMonths: CaseMonth[] = [];
  const stays: ClosedStay[] = [];
  for (const c of cases) {
    const stay = closedStay(c);
    if (stay.ok && stay.value !== null) stays.push(stay.value);
    if (!set.ok) continue;
    const result = paymentResponsibilityDays({ ...c, until }, agreements);
    if (!result.ok) {
      problems.push({
        code: result.error.code,
        message: `case ${c.reference}: ${result.error.message}`,
      });
      continue;
    }
    const days = result.value.days.filter((day) => monthOf(day.date) === input.month);
    caseMonths.push({
      case: c,
      days,
      unpaidDays: result.value.unpaidDays.filter((day) => monthOf(day.date) === input.month),
    });
    lines.push(
      ...caseLines(
        c.caseId,
        days,
        (group, dates) =>
          // The stored line names the case, never the patient: lines are kept for accounting
          // long after the case, and a protected identity must not end up in them.
          `${c.reference}: ${daysText(group.length)} ${dateSpan(dates)}, ` +
          `${names.get(group[0]!.agreementId) ?? group[0]!.agreementId}; ${countedFromText(group)}`,
      ),
    );
  }

  // Average agreements: the month assessed this month, or last month's settled now.
  if (set.ok) {
    for (const assessed of [addMonths(input.month, -1), input.month]) {
      const agreement = agreementFor(agreements, parties, firstDayOfMonth(assessed));
      if (!agreement.ok || agreement.value.model !== 'AVERAGE') continue;
      // A running month's average cannot be judged before the month ends.
      if (assessed === input.month && until !== monthEnd) continue;
      const assessment = assessAverageModel(agreement.value, assessed, stays);
      if (!assessment.ok) {
        problems.push(assessment.error);
        continue;
      }
      const a = assessment.value;
      if (a.settlementMonth !== input.month || !a.moneyMoves) continue;
      const caseIds = new Set(a.caseIds);
      lines.push({
        caseId: null,
        description: `Average model ${assessed}: ${a.reason}`,
        days: 0,
        dates: [],
        pricePerDay: oreOf(a.pricePerDay),
        amount: a.amountInOre,
        eventIds: stays.filter((s) => caseIds.has(s.caseId)).flatMap((s) => [...s.eventIds]),
        dayDetails: [],
      });
    }
  }

  if (problems.length > 0) fail(problems);
  const inForce = agreementFor(agreements, parties, monthStart);
  return { lines, cases: caseMonths, agreementId: inForce.ok ? inForce.value.id : null };
}

export function daysText(count: number): string {
  return `${count} day${count === 1 ? '' : 's'}`;
}

/**
 * What the count of a line's days ran from, naming every ready notice that started it: a
 * line can hold days before a withdrawal (avbrott) and after the new notice that restarted
 * the count, and naming only the first notice would misstate the later days.
 */
export function countedFromText(days: readonly PaymentDay[]): string {
  const runs: PaymentDay[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run !== undefined && run[0]!.countedFrom === day.countedFrom) run.push(day);
    else runs.push([day]);
  }
  if (runs.length <= 1) return `from ${days[0]?.reason ?? ''}`;
  return runs
    .map((run, index) => {
      const span = dateSpan(run.map((d) => d.date));
      return `${index === 0 ? 'from' : 'count restarted: from'} ${run[0]!.reason} for ${span}`;
    })
    .join('; ');
}

export function lineDayOf(day: PaymentDay): LineDay {
  return {
    date: day.date,
    reason: day.reason,
    eventIds: [...day.eventIds],
    readyNoticeId: day.readyNoticeId,
  };
}

/**
 * Charge lines of one case: its days grouped by agreement and price (a price change at New
 * Year, or a new agreement mid-month, makes two lines), in date order.
 */
export function caseLines(
  caseId: string,
  days: readonly PaymentDay[],
  describe: (group: readonly PaymentDay[], dates: IsoDate[]) => string,
): BasisLine[] {
  const groups = new Map<string, PaymentDay[]>();
  for (const day of days) {
    const key = `${day.agreementId}|${day.pricePerDay}`;
    groups.set(key, [...(groups.get(key) ?? []), day]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const price = oreOf(first.pricePerDay);
    const dates = group.map((d) => d.date);
    return {
      caseId,
      description: describe(group, dates),
      days: group.length,
      dates,
      pricePerDay: price,
      amount: price * group.length,
      eventIds: [...new Set(group.flatMap((d) => d.eventIds))],
      dayDetails: group.map(lineDayOf),
    };
  });
}
