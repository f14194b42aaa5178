/**
 * The average model (genomsnittlig betalningsmodell): a municipality pays not per patient
 * but when its average days from ready notice to discharge over a month exceeds the
 * agreed level. Stockholm (from 2020) judges each month on its own and counts a discharge
 * on the day of the ready notice as a stay of 0 days; Västra Götaland pools the last three
 * months, and the result decides whether money moves in the next period.
 *
 * Definitions used here:
 * - A stay is closed in the month of its discharge. Its length is the calendar days from
 *   the ready notice that was active at discharge to the discharge day (same day = 0). A
 *   stay whose ready status was withdrawn and never notified again is not a ready stay.
 * - The national indicator counts only stays of at least one day (EXCLUDED); the local
 *   figure in Stockholm includes the 0-day stays (COUNTED_AS_DAY_0).
 * - An average over several months pools the stays (total days / number of stays), so
 *   a month with many discharges weighs more than a quiet one.
 * - The amount: the days by which the average exceeds the agreed level, times the stays
 *   of the assessed month, times the price per day of the assessed month's year. Only
 *   the assessed month's stays are charged, so with a rolling window no stay is paid
 *   for twice. Days stay exact rationals (16 days / 3 stays is 16/3) until priced, and the
 *   amount is rounded once, to öre (exact.ts): (16/3 − 2) × 9 300 is 31 000.00 SEK.
 */

import {
  addMonths,
  daysBetween,
  type IsoDate,
  monthOf,
  monthRange,
  stockholmDate,
  type YearMonth,
} from '../calendar.js';
import type { AverageAgreement, AverageParameters } from './agreement.js';
import { priceFor } from './agreement.js';
import { ok, type PaymentResult } from './errors.js';
import { describeDays, exactDecimal, Fraction, oreOfPrice, roundOre } from './exact.js';
import { type CaseTimeline, readTimeline, type StayEvents } from './timeline.js';

export type SameDayDischarge = AverageParameters['sameDayDischarge'];

/** A stay from ready notice to discharge. */
export interface ClosedStay {
  caseId: string;
  readyOn: IsoDate;
  dischargedOn: IsoDate;
  /** The ready notice and the discharge behind the stay. */
  eventIds: readonly string[];
}

export interface MonthlyReadyDays {
  month: YearMonth;
  /** Stays closed in the month that the definition counts. */
  stays: number;
  totalDays: number;
  /** null when no stay counts. */
  averageDays: number | null;
}

export interface AverageModelAssessment {
  agreementId: string;
  /** The month whose stays are charged. */
  month: YearMonth;
  /** The months pooled into the deciding average, oldest first, ending with `month`. */
  window: MonthlyReadyDays[];
  windowAverageDays: number | null;
  allowedAverageDays: number;
  staysInMonth: number;
  /** Days over the agreed level times the month's stays; 0 when the level is kept. */
  excessDays: number;
  /** The same, exactly: a fraction such as "10/3". */
  excessDaysExact: string;
  pricePerDay: number;
  /** SEK, exactly amountInOre / 100. */
  amount: number;
  /** excessDays × price, rounded once to whole öre. */
  amountInOre: number;
  /** The month in which the money moves. */
  settlementMonth: YearMonth;
  moneyMoves: boolean;
  reason: string;
  /** The cases of the month behind the amount. */
  caseIds: string[];
}

/** Calendar days from ready notice to discharge: 0 when discharged the same day. */
export function stayDays(stay: ClosedStay): number {
  return daysBetween(stay.readyOn, stay.dischargedOn);
}

/**
 * The case's ready stay if the case is discharged while ready, else null. Errors are
 * those of reading the event list (see readTimeline).
 */
export function closedStay(timeline: CaseTimeline): PaymentResult<ClosedStay | null> {
  const read = readTimeline(timeline);
  return read.ok ? ok(closedStayOf(timeline.caseId, read.value)) : read;
}

/** closedStay for an event list already read. */
export function closedStayOf(caseId: string, stay: StayEvents): ClosedStay | null {
  const last = stay.readyPeriods.at(-1);
  if (last === undefined || last.end?.kind !== 'DISCHARGED') return null;
  return {
    caseId,
    readyOn: stockholmDate(last.notice.occurredAt),
    dischargedOn: stockholmDate(last.end.event.occurredAt),
    eventIds: [last.notice.id, last.end.event.id],
  };
}

function counted(
  stays: readonly ClosedStay[],
  month: YearMonth,
  rule: SameDayDischarge,
): ClosedStay[] {
  return stays.filter(
    (stay) =>
      monthOf(stay.dischargedOn) === month && (rule === 'COUNTED_AS_DAY_0' || stayDays(stay) >= 1),
  );
}

/** The stays closed in the month and their days, by the given same-day rule. */
export function monthlyReadyDays(
  month: YearMonth,
  stays: readonly ClosedStay[],
  sameDayDischarge: SameDayDischarge,
): MonthlyReadyDays {
  const inMonth = counted(stays, month, sameDayDischarge);
  const totalDays = inMonth.reduce((sum, stay) => sum + stayDays(stay), 0);
  return {
    month,
    stays: inMonth.length,
    totalDays,
    averageDays: inMonth.length === 0 ? null : totalDays / inMonth.length,
  };
}

/** The pooled average of several months, exactly: all their days over all their stays. */
export function exactPooledAverage(months: readonly MonthlyReadyDays[]): Fraction | null {
  const stays = months.reduce((sum, m) => sum + m.stays, 0);
  const days = months.reduce((sum, m) => sum + m.totalDays, 0);
  return stays === 0 ? null : new Fraction(days, stays);
}

/** The pooled average of several months: all their days over all their stays. */
export function pooledAverage(months: readonly MonthlyReadyDays[]): number | null {
  return exactPooledAverage(months)?.valueOf() ?? null;
}

/** The rolling average ending with `month` over `windowMonths` months. */
export function rollingAverage(
  month: YearMonth,
  windowMonths: number,
  stays: readonly ClosedStay[],
  sameDayDischarge: SameDayDischarge,
): number | null {
  const window = monthRange(addMonths(month, -(windowMonths - 1)), month).map((m) =>
    monthlyReadyDays(m, stays, sameDayDischarge),
  );
  return pooledAverage(window);
}

const formatDays = (n: number): string => n.toFixed(2);
const formatOre = (ore: number): string =>
  `${ore < 0 ? '-' : ''}${Math.floor(Math.abs(ore) / 100)}.${String(Math.abs(ore) % 100).padStart(2, '0')} SEK`;

/**
 * Judges one month of a municipality under an average agreement. `stays` are the
 * municipality's closed stays; those outside the window are ignored, so the caller may
 * pass all of them. Fails with MISSING_PRICE when the agreement has no price for the
 * assessed month's year.
 */
export function assessAverageModel(
  agreement: AverageAgreement,
  month: YearMonth,
  stays: readonly ClosedStay[],
): PaymentResult<AverageModelAssessment> {
  const p = agreement.parameters;
  const window = monthRange(addMonths(month, -(p.windowMonths - 1)), month).map((m) =>
    monthlyReadyDays(m, stays, p.sameDayDischarge),
  );
  const exactAverage = exactPooledAverage(window);
  const windowAverageDays = exactAverage?.valueOf() ?? null;
  const monthStays = counted(stays, month, p.sameDayDischarge);
  const price = priceFor(agreement, Number(month.slice(0, 4)));
  if (!price.ok) return price;

  // Exact until priced: the excess stays a fraction, the amount is rounded once.
  const allowed = exactDecimal(p.allowedAverageDays);
  const over =
    exactAverage === null || exactAverage.compare(allowed) <= 0
      ? new Fraction(0)
      : exactAverage.sub(allowed);
  const excess = over.mul(monthStays.length);
  const priceInOre = oreOfPrice(price.value);
  const amountInOre = roundOre(excess.mul(priceInOre));
  const settlementMonth = p.settlement === 'NEXT_MONTH' ? addMonths(month, 1) : month;
  const span = p.windowMonths === 1 ? month : `${window[0]?.month}–${month}`;
  const windowText =
    p.windowMonths === 1 ? `average in ${month}` : `${p.windowMonths}-month average ${span}`;
  const basis =
    windowAverageDays === null
      ? `no stays counted in ${span}`
      : `${windowText} ${formatDays(windowAverageDays)} days (${window.reduce((s, m) => s + m.totalDays, 0)} days / ${window.reduce((s, m) => s + m.stays, 0)} stays)`;
  const reason =
    excess.compare(0) > 0
      ? `${basis} exceeds the agreed ${p.allowedAverageDays} days by ${describeDays(over)} days × ${monthStays.length} stays in ${month} = ${describeDays(excess)} days × ${formatOre(priceInOre)} = ${formatOre(amountInOre)}, rounded once to öre, settled in ${settlementMonth} (agreement ${agreement.name})`
      : `${basis} is within the agreed ${p.allowedAverageDays} days: no payment (agreement ${agreement.name})`;

  return ok({
    agreementId: agreement.id,
    month,
    window,
    windowAverageDays,
    allowedAverageDays: p.allowedAverageDays,
    staysInMonth: monthStays.length,
    excessDays: excess.valueOf(),
    excessDaysExact: excess.toFraction(),
    pricePerDay: price.value,
    amount: amountInOre / 100,
    amountInOre,
    settlementMonth,
    moneyMoves: amountInOre > 0,
    reason,
    caseIds: monthStays.map((stay) => stay.caseId),
  });
}
