/**
 * Correction invoices over generated event lists: whatever the month's event list said
 * when it was invoiced and says now, the invoices plus their correction equal a fresh
 * calculation of the month, day by day and to the öre; and a corrected month needs no
 * further correction until the event list changes again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, stockholmInstant } from '../../../src/domain/calendar.js';
import type { PaymentAgreement } from '../../../src/domain/payment/agreement.js';
import type { TimelineEvent } from '../../../src/domain/payment/timeline.js';
import { invoiceBasis } from '../../../src/invoicing/basis.js';
import { correctionLines, type LedgerLine } from '../../../src/invoicing/correction.js';
import type { LoadedCase } from '../../../src/invoicing/load.js';
import {
  agreement,
  MUNICIPALITY,
  REGION,
  statutoryDefault,
  stockholmIndividual,
} from './fixtures.js';

const MONTH = '2022-03';

/** A version of one case's event list: day numbers count from 25 February 2022. */
interface Version {
  admitted: number;
  noticeAfterHours: number | null;
  ready: number;
  readyHour: number;
  withdrawal: { after: number; readyAgainAfter: number | null } | null;
  dischargeAfter: number | null;
}

const version: fc.Arbitrary<Version> = fc.record({
  admitted: fc.integer({ min: 0, max: 20 }),
  noticeAfterHours: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  ready: fc.integer({ min: 0, max: 20 }),
  readyHour: fc.integer({ min: 8, max: 16 }),
  withdrawal: fc.option(
    fc.record({
      after: fc.integer({ min: 1, max: 6 }),
      readyAgainAfter: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
    }),
    { nil: null },
  ),
  dischargeAfter: fc.option(fc.integer({ min: 0, max: 25 }), { nil: null }),
});

const day = (n: number) => addDays('2022-02-25', n);
const at = (n: number, hour: number) =>
  stockholmInstant(day(n), `${String(hour).padStart(2, '0')}:00`);

function caseOf(caseId: string, v: Version): LoadedCase {
  const events: TimelineEvent[] = [];
  const event = (type: TimelineEvent['type'], occurredAt: Date) =>
    events.push({ id: `${caseId}-${events.length + 1}`, type, occurredAt, payload: {} });
  const admittedAt = at(v.admitted, 7);
  if (v.noticeAfterHours !== null) {
    event('ADMISSION_NOTICE_SENT', new Date(admittedAt.getTime() + v.noticeAfterHours * 3_600_000));
  }
  let last = v.admitted + v.ready;
  event('READY_FOR_DISCHARGE_NOTIFIED', at(last, v.readyHour));
  let ready = true;
  if (v.withdrawal !== null) {
    last += v.withdrawal.after;
    event('READY_FOR_DISCHARGE_WITHDRAWN', at(last, 17));
    ready = false;
    if (v.withdrawal.readyAgainAfter !== null) {
      last += v.withdrawal.readyAgainAfter;
      event('READY_FOR_DISCHARGE_NOTIFIED', at(last, v.readyHour));
      ready = true;
    }
  }
  if (v.dischargeAfter !== null) event('DISCHARGED', at(last + v.dischargeAfter, 18));
  const notice = events.find((e) => e.type === 'ADMISSION_NOTICE_SENT');
  const discharge = events.find((e) => e.type === 'DISCHARGED');
  return {
    caseId,
    reference: `BR-${caseId}`,
    regionId: REGION,
    municipalityId: MUNICIPALITY,
    psychiatric: !ready && caseId.endsWith('2'),
    admittedAt,
    admissionNoticeAt: notice?.occurredAt ?? null,
    dischargedAt: discharge?.occurredAt ?? null,
    events,
  };
}

function basisOf(versions: readonly Version[], agreements: readonly PaymentAgreement[]) {
  return invoiceBasis({
    regionId: REGION,
    municipalityId: MUNICIPALITY,
    month: MONTH,
    until: '2022-04-01',
    cases: versions.map((v, i) => caseOf(`c${i + 1}`, v)),
    agreements,
  });
}

const agreements = fc.constantFrom<PaymentAgreement[]>(
  [statutoryDefault],
  [stockholmIndividual],
  // A price change mid-month splits the days of a case over two lines.
  [
    agreement({
      id: 'until-14th',
      name: 'Until the 14th',
      model: 'STATUTORY_DEFAULT',
      validTo: '2022-03-14',
    }),
    agreement({
      id: 'from-15th',
      name: 'From the 15th',
      model: 'STATUTORY_DEFAULT',
      validFrom: '2022-03-15',
      prices: [{ year: 2022, pricePerDay: 12000 }],
    }),
  ],
);

/** The fresh days of the month, per case and date, with their price in öre. */
function freshDays(basis: ReturnType<typeof basisOf>): string[] {
  return basis.cases
    .flatMap((c) =>
      c.days.map((d) => `${c.case.caseId} ${d.date} ${Math.round(d.pricePerDay * 100)}`),
    )
    .sort();
}

/** The ledger's days in force, per case and date, with their price. */
function ledgerDays(ledger: readonly LedgerLine[]): string[] {
  const count = new Map<string, number>();
  const byId = new Map(ledger.map((l) => [l.id, l]));
  for (const line of ledger) {
    const charge = line.kind === 'CHARGE' ? line : byId.get(line.correctsLineId ?? '');
    if (charge === undefined || charge.caseId === null) continue;
    for (const date of line.dates) {
      const key = `${charge.caseId} ${date} ${charge.pricePerDay}`;
      count.set(key, (count.get(key) ?? 0) + (line.kind === 'CHARGE' ? 1 : -1));
    }
  }
  return [...count].flatMap(([key, n]) => Array.from({ length: n }, () => key)).sort();
}

let nextId = 0;
function post(
  ledger: LedgerLine[],
  lines: ReturnType<typeof correctionLines> | ReturnType<typeof basisOf>['lines'],
) {
  for (const line of lines) {
    nextId += 1;
    ledger.push({
      id: `line-${nextId}`,
      kind: 'kind' in line ? line.kind : 'CHARGE',
      caseId: line.caseId,
      description: line.description,
      dates: line.dates,
      pricePerDay: line.pricePerDay,
      amount: line.amount,
      eventIds: line.eventIds,
      correctsLineId: 'correctsLineId' in line ? line.correctsLineId : null,
      label: `line ${nextId}`,
    });
  }
}

const total = (lines: readonly { amount: number }[]) => lines.reduce((s, l) => s + l.amount, 0);

describe('correction invoices', () => {
  it('the invoices plus a correction equal a fresh calculation, however often corrected', () => {
    fc.assert(
      fc.property(
        agreements,
        fc.array(fc.array(version, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 4 }),
        (inForce, histories) => {
          // Each history is the month's event lists at one point in time (cases may come
          // and go); the first is invoiced, each later one is corrected.
          const ledger: LedgerLine[] = [];
          const first = basisOf(histories[0]!, inForce);
          post(ledger, first.lines);
          for (const versions of histories.slice(1)) {
            const fresh = basisOf(versions, inForce);
            const references = new Map(
              [0, 1, 2].map((i) => [`c${i + 1}`, `BR-c${i + 1}`] as const),
            );
            const correction = correctionLines({
              month: MONTH,
              ledger,
              cases: fresh.cases,
              caselessLines: fresh.lines.filter((l) => l.caseId === null),
              references,
            });
            post(ledger, correction);
            expect(total(ledger)).toBe(total(fresh.lines));
            expect(ledgerDays(ledger)).toEqual(freshDays(fresh));
            // Credits take back only days a charge still has in force.
            for (const line of correction.filter((l) => l.kind === 'CREDIT')) {
              expect(line.amount).toBe(line.days * line.pricePerDay);
              expect(line.days).toBeLessThan(0);
            }
            const again = correctionLines({
              month: MONTH,
              ledger,
              cases: fresh.cases,
              caselessLines: [],
              references,
            });
            expect(again).toEqual([]);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
