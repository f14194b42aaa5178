/**
 * What a month's invoices still owe the event list, day by day. The invoices of a month
 * (the original and its corrections) are read as a ledger: each charged day of a case at
 * its price, less the days credit lines took back. A fresh calculation of the month is
 * compared with it day by day; a day the ledger has and the event list no longer supports
 * (or supports at another price) is credited against the line that charged it, a day the
 * event list supports and the ledger lacks is charged. Invoiced plus correction is then
 * exactly the fresh calculation, to the öre, however often the month was corrected.
 *
 * Lines without a case (the average model's excess) are whole amounts: one that no longer
 * holds is credited in full and the fresh one charged. Pure: the writer loads and writes.
 */
import { compareDates, type IsoDate, stockholmDate } from '../domain/calendar.js';
import type { PaymentDay } from '../domain/payment/responsibility.js';
import { describeInstant, readTimeline } from '../domain/payment/timeline.js';
import {
  type BasisLine,
  type CaseMonth,
  caseLines,
  countedFromText,
  dateSpan,
  daysText,
} from './basis.js';
import type { Ore } from './money.js';
import { oreOf } from './money.js';

/** A stored line of one of the month's invoices, or a credit elsewhere of one of them. */
export interface LedgerLine {
  id: string;
  kind: 'CHARGE' | 'CREDIT';
  caseId: string | null;
  description: string;
  dates: readonly IsoDate[];
  pricePerDay: Ore;
  amount: Ore;
  eventIds: readonly string[];
  correctsLineId: string | null;
  /** Where the line stands, for descriptions: "line 3 of the 2026-03 invoice". */
  label: string;
}

export interface CorrectionLine extends BasisLine {
  kind: 'CHARGE' | 'CREDIT';
  correctsLineId: string | null;
}

export interface CorrectionInput {
  month: string;
  /** Every line of the month's invoices, and every credit line of one of their charges. */
  ledger: readonly LedgerLine[];
  /** The fresh calculation (basis.ts): per-case days and the lines without a case. */
  cases: readonly CaseMonth[];
  caselessLines: readonly BasisLine[];
  /** Case references for the lines, by case id (cases no longer in reach included). */
  references: ReadonlyMap<string, string>;
}

interface DayEntry {
  line: LedgerLine;
}

/** The events that decide payment; their annulment explains why days moved. */
const DECIDING = new Set([
  'ADMISSION_NOTICE_SENT',
  'READY_FOR_DISCHARGE_NOTIFIED',
  'READY_FOR_DISCHARGE_WITHDRAWN',
  'DISCHARGED',
  'CONSENT_RECORDED',
]);

/** The ledger's charged days in force per case and date: charges less their credits. */
function daysInForce(ledger: readonly LedgerLine[]): Map<string, Map<IsoDate, DayEntry[]>> {
  const byId = new Map(ledger.map((line) => [line.id, line]));
  const inForce = new Map<string, Map<IsoDate, DayEntry[]>>();
  const at = (caseId: string, date: IsoDate): DayEntry[] => {
    let dates = inForce.get(caseId);
    if (dates === undefined) {
      dates = new Map();
      inForce.set(caseId, dates);
    }
    let entries = dates.get(date);
    if (entries === undefined) {
      entries = [];
      dates.set(date, entries);
    }
    return entries;
  };
  for (const line of ledger) {
    if (line.kind !== 'CHARGE' || line.caseId === null) continue;
    for (const date of line.dates) at(line.caseId, date).push({ line });
  }
  for (const credit of ledger) {
    if (credit.kind !== 'CREDIT' || credit.correctsLineId === null) continue;
    const charge = byId.get(credit.correctsLineId);
    if (charge === undefined || charge.caseId === null) continue;
    for (const date of credit.dates) {
      const entries = at(charge.caseId, date);
      const index = entries.findIndex((e) => e.line.id === charge.id);
      if (index >= 0) entries.splice(index, 1);
    }
  }
  return inForce;
}

/** Why a day the ledger charged is no longer paid, and the events that say so. */
function whyNotPaid(
  month: CaseMonth | undefined,
  date: IsoDate,
): { reason: string; eventIds: string[] } {
  if (month === undefined) {
    return { reason: 'the case no longer has payment responsibility in the month', eventIds: [] };
  }
  const unpaid = month.unpaidDays.find((d) => d.date === date);
  if (unpaid !== undefined) return { reason: unpaid.reason, eventIds: unpaid.eventIds };
  const stay = readTimeline(month.case);
  const discharge = stay.ok ? stay.value.discharge : null;
  if (discharge !== null && compareDates(date, stockholmDate(discharge.occurredAt)) > 0) {
    return {
      reason: `after the discharge on ${describeInstant(discharge.occurredAt)}`,
      eventIds: [discharge.id],
    };
  }
  return { reason: 'no ready notice in force covers the day', eventIds: [] };
}

/** Annulments in the case's event list of events that decide payment. */
function annulments(month: CaseMonth | undefined): string[] {
  if (month === undefined) return [];
  const types = new Map(month.case.events.map((e) => [e.id, e.type]));
  return month.case.events
    .filter((e) => e.type === 'MESSAGE_ANNULLED')
    .filter((e) => DECIDING.has(types.get(String(e.payload.eventId)) ?? ''))
    .map((e) => e.id);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * The credit and charge lines that bring the month's invoices in line with the fresh
 * calculation: empty when they agree. Credits come first, per charge line they correct,
 * then the charges, each case in reference order.
 */
export function correctionLines(input: CorrectionInput): CorrectionLine[] {
  const inForce = daysInForce(input.ledger);
  const fresh = new Map(input.cases.map((c) => [c.case.caseId, c]));
  const caseIds = [...new Set([...inForce.keys(), ...fresh.keys()])].sort((a, b) =>
    (input.references.get(a) ?? a).localeCompare(input.references.get(b) ?? b),
  );
  const lines: CorrectionLine[] = [];

  for (const caseId of caseIds) {
    const month = fresh.get(caseId);
    const reference = input.references.get(caseId) ?? caseId;
    const freshDays = new Map((month?.days ?? []).map((d) => [d.date, d]));
    const matched = new Set<IsoDate>();
    const credits = new Map<string, { line: LedgerLine; dates: IsoDate[] }>();
    const dates = [...(inForce.get(caseId) ?? new Map<IsoDate, DayEntry[]>())].sort(([a], [b]) =>
      compareDates(a, b),
    );
    for (const [date, entries] of dates) {
      for (const { line } of entries) {
        const day = freshDays.get(date);
        if (
          day !== undefined &&
          !matched.has(date) &&
          oreOf(day.pricePerDay) === line.pricePerDay
        ) {
          matched.add(date);
          continue;
        }
        const credit = credits.get(line.id) ?? { line, dates: [] };
        credit.dates.push(date);
        credits.set(line.id, credit);
      }
    }
    const changed = annulments(month);
    for (const { line, dates: credited } of credits.values()) {
      const perDate = credited.map((date) => whyNotPaid(month, date));
      const why = perDate[0]!;
      lines.push({
        kind: 'CREDIT',
        correctsLineId: line.id,
        caseId,
        description:
          `${reference}: correction of ${line.label}: ${daysText(credited.length)} ` +
          `${dateSpan(credited)} no longer supported by the event list: ${why.reason}`,
        days: -credited.length,
        dates: credited,
        pricePerDay: line.pricePerDay,
        amount: -line.pricePerDay * credited.length,
        eventIds: unique([...perDate.flatMap((p) => p.eventIds), ...changed]),
        dayDetails: credited.map((date, index) => ({
          date,
          reason: `no longer supported: ${perDate[index]!.reason}`,
          eventIds: unique([...perDate[index]!.eventIds, ...changed]),
          readyNoticeId: null,
        })),
      });
    }
    const toCharge: PaymentDay[] = (month?.days ?? []).filter((d) => !matched.has(d.date));
    for (const line of caseLines(
      caseId,
      toCharge,
      (group, chargeDates) =>
        `${reference}: correction: ${daysText(group.length)} ${dateSpan(chargeDates)} now supported by the event list; ${countedFromText(group)}`,
    )) {
      lines.push({
        ...line,
        kind: 'CHARGE',
        correctsLineId: null,
        eventIds: unique([...line.eventIds, ...changed]),
      });
    }
  }

  // Lines without a case stand or fall whole.
  const creditedIds = new Set(input.ledger.flatMap((l) => l.correctsLineId ?? []));
  const unmatched = input.ledger.filter(
    (l) => l.kind === 'CHARGE' && l.caseId === null && !creditedIds.has(l.id),
  );
  const toCharge: BasisLine[] = [];
  for (const line of input.caselessLines) {
    const index = unmatched.findIndex(
      (l) => l.description === line.description && l.amount === line.amount,
    );
    if (index >= 0) unmatched.splice(index, 1);
    else toCharge.push(line);
  }
  for (const line of unmatched) {
    lines.push({
      kind: 'CREDIT',
      correctsLineId: line.id,
      caseId: null,
      description: `Correction of ${line.label}: no longer supported by the event list`,
      days: 0,
      dates: [],
      pricePerDay: line.pricePerDay,
      amount: -line.amount,
      eventIds: [...line.eventIds],
      dayDetails: [],
    });
  }
  for (const line of toCharge) {
    lines.push({
      ...line,
      kind: 'CHARGE',
      correctsLineId: null,
      description: `Correction: ${line.description}`,
    });
  }
  return lines;
}

/** The ledger's net amount: charges less credits. */
export function ledgerTotal(ledger: readonly LedgerLine[]): Ore {
  return ledger.reduce((sum, line) => sum + line.amount, 0);
}
