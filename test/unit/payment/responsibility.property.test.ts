/**
 * Invariants of paymentResponsibilityDays over generated stays: random admissions,
 * notices, withdrawals, declined support and discharges in spring 2022 (across the DST
 * switch of 27 March), judged under the statutory default or random individual
 * agreements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareDates,
  dateRange,
  minDate,
  stockholmDate,
} from '../../../src/domain/calendar.js';
import type { PaymentAgreement } from '../../../src/domain/payment/agreement.js';
import {
  type PaymentResponsibility,
  type PaymentResponsibilityInput,
  paymentResponsibilityDays,
} from '../../../src/domain/payment/responsibility.js';
import type { TimelineEvent } from '../../../src/domain/payment/timeline.js';
import { agreement, timelineOf } from './fixtures.js';

const BASE = Date.parse('2022-03-01T00:00:00Z');
const MINUTE = 60_000;
const DAY_MINUTES = 1440;

const individualParameters = fc.record({
  freeDays: fc.record({
    somatic: fc.integer({ min: 0, max: 6 }),
    psychiatric: fc.integer({ min: 0, max: 8 }),
  }),
  dayZeroCounts: fc.boolean(),
  noticeCutoff: fc.option(fc.constantFrom('08:00', '12:00', '15:30'), { nil: null }),
  dischargeDayCounts: fc.boolean(),
  exclusions: fc.record({
    lateAdmissionNotice: fc.option(fc.record({ maxHoursAfterAdmission: fc.constantFrom(24, 48) }), {
      nil: null,
    }),
    readyWithdrawn: fc.boolean(),
    supportDeclined: fc.boolean(),
  }),
});

const someAgreement = (id: string) =>
  fc.oneof(
    fc.constant(agreement({ id, name: `statutory ${id}`, model: 'STATUTORY_DEFAULT' })),
    individualParameters.map((parameters) =>
      agreement({ id, name: `individual ${id}`, model: 'INDIVIDUAL', parameters }),
    ),
  );

interface GeneratedStay {
  admitAfter: number;
  noticeDelay: number | null;
  firstReadyDelay: number;
  cycles: { readyFor: number; withdrawnFor: number }[];
  lastReadyFor: number;
  discharged: boolean;
  declined: { after: number; lastsFor: number | null } | null;
  psychiatric: boolean;
  untilDays: number;
}

const generatedStay: fc.Arbitrary<GeneratedStay> = fc.record({
  admitAfter: fc.integer({ min: 0, max: 3 * DAY_MINUTES }),
  noticeDelay: fc.option(fc.integer({ min: 0, max: 3 * DAY_MINUTES }), { nil: null }),
  firstReadyDelay: fc.integer({ min: 0, max: 8 * DAY_MINUTES }),
  cycles: fc.array(
    fc.record({
      readyFor: fc.integer({ min: 1, max: 8 * DAY_MINUTES }),
      withdrawnFor: fc.integer({ min: 1, max: 5 * DAY_MINUTES }),
    }),
    { maxLength: 3 },
  ),
  lastReadyFor: fc.integer({ min: 0, max: 15 * DAY_MINUTES }),
  discharged: fc.boolean(),
  declined: fc.option(
    fc.record({
      after: fc.integer({ min: 0, max: 30 * DAY_MINUTES }),
      lastsFor: fc.option(fc.integer({ min: 1, max: 6 * DAY_MINUTES }), { nil: null }),
    }),
    { nil: null },
  ),
  psychiatric: fc.boolean(),
  untilDays: fc.integer({ min: 1, max: 80 }),
});

interface Built {
  input: PaymentResponsibilityInput;
  /** [withdrawal, next ready notice or null] pairs. */
  withdrawals: [Date, Date | null][];
  lastReady: Date;
}

/** Builds the timeline; `dischargeAfter` overrides when the discharge comes after the last notice. */
function build(stay: GeneratedStay, dischargeAfter?: number): Built {
  const instant = (minutes: number) => new Date(BASE + minutes * MINUTE);
  const events: TimelineEvent[] = [];
  const push = (
    type: TimelineEvent['type'],
    minutes: number,
    payload: Record<string, unknown> = {},
  ) => events.push({ id: `e${events.length + 1}`, type, occurredAt: instant(minutes), payload });

  const admitted = stay.admitAfter;
  if (stay.noticeDelay !== null) push('ADMISSION_NOTICE_SENT', admitted + stay.noticeDelay);
  let t = admitted + stay.firstReadyDelay;
  const withdrawals: [Date, Date | null][] = [];
  for (const cycle of stay.cycles) {
    push('READY_FOR_DISCHARGE_NOTIFIED', t);
    t += cycle.readyFor;
    push('READY_FOR_DISCHARGE_WITHDRAWN', t);
    const withdrawnAt = instant(t);
    t += cycle.withdrawnFor;
    withdrawals.push([withdrawnAt, instant(t)]);
  }
  push('READY_FOR_DISCHARGE_NOTIFIED', t);
  const lastReady = instant(t);
  if (stay.declined !== null) {
    push('CONSENT_RECORDED', admitted + stay.declined.after, { supportDeclined: true });
    if (stay.declined.lastsFor !== null) {
      push('CONSENT_RECORDED', admitted + stay.declined.after + stay.declined.lastsFor, {
        supportDeclined: false,
      });
    }
  }
  const discharge = dischargeAfter ?? (stay.discharged ? stay.lastReadyFor : null);
  if (discharge !== null) push('DISCHARGED', t + discharge);
  const timeline = timelineOf(instant(admitted), events, { psychiatric: stay.psychiatric });
  return {
    input: { ...timeline, until: addDays('2022-03-01', stay.untilDays) },
    withdrawals,
    lastReady,
  };
}

function calculate(
  input: PaymentResponsibilityInput,
  agreements: PaymentAgreement[],
): PaymentResponsibility {
  const result = paymentResponsibilityDays(input, agreements);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const excludesWithdrawals = (a: PaymentAgreement) =>
  a.model === 'STATUTORY_DEFAULT' ||
  (a.model === 'INDIVIDUAL' && a.parameters.exclusions.readyWithdrawn);

describe('paymentResponsibilityDays: invariants', () => {
  it('judges each day of the stay once: paid and unpaid days partition the stay, in date order', () => {
    fc.assert(
      fc.property(generatedStay, someAgreement('a'), (stay, a) => {
        const { input } = build(stay);
        const result = calculate(input, [a]);
        const paid = result.days.map((d) => d.date);
        const unpaid = result.unpaidDays.map((d) => d.date);
        expect(new Set(paid).size).toBe(paid.length);
        expect([...paid].sort()).toEqual(paid);
        const all = [...paid, ...unpaid].sort();
        expect(new Set(all).size).toBe(all.length);

        const firstReady = input.events.find((e) => e.type === 'READY_FOR_DISCHARGE_NOTIFIED');
        const from = stockholmDate(firstReady?.occurredAt ?? new Date(0));
        const end =
          input.dischargedAt === null
            ? input.until
            : minDate(addDays(stockholmDate(input.dischargedAt), 1), input.until);
        expect(all).toEqual(dateRange(from, end));
        const ore = result.days.reduce((sum, d) => sum + Math.round(d.pricePerDay * 100), 0);
        expect(result.totalAmount).toBe(ore / 100);
      }),
    );
  });

  it('pays only days within [first possible day, discharge or until)', () => {
    fc.assert(
      fc.property(generatedStay, someAgreement('a'), (stay, a) => {
        const { input } = build(stay);
        const result = calculate(input, [a]);
        const firstReady = input.events.find((e) => e.type === 'READY_FOR_DISCHARGE_NOTIFIED');
        if (firstReady === undefined) return;
        const firstPaid =
          a.model === 'STATUTORY_DEFAULT'
            ? 3
            : a.model === 'INDIVIDUAL'
              ? (input.psychiatric
                  ? a.parameters.freeDays.psychiatric
                  : a.parameters.freeDays.somatic) + (a.parameters.dayZeroCounts ? 0 : 1)
              : 0;
        const firstPossible = addDays(stockholmDate(firstReady.occurredAt), firstPaid);
        const dischargeDayPaid = a.model === 'INDIVIDUAL' && a.parameters.dischargeDayCounts;
        for (const day of result.days) {
          expect(compareDates(day.date, firstPossible)).toBeGreaterThanOrEqual(0);
          expect(compareDates(day.date, input.until)).toBeLessThan(0);
          if (input.dischargedAt !== null) {
            const dischargeDay = stockholmDate(input.dischargedAt);
            expect(compareDates(day.date, dischargeDay)).toBeLessThan(dischargeDayPaid ? 1 : 0);
          }
        }
      }),
    );
  });

  it('pays no day from a withdrawal until the next ready notice', () => {
    fc.assert(
      fc.property(
        generatedStay.filter((s) => s.cycles.length > 0),
        someAgreement('a').filter(excludesWithdrawals),
        (stay, a) => {
          const { input, withdrawals } = build(stay);
          const paid = calculate(input, [a]).days.map((d) => d.date);
          for (const [withdrawnAt, readyAgainAt] of withdrawals) {
            const gap = dateRange(
              stockholmDate(withdrawnAt),
              readyAgainAt === null ? input.until : stockholmDate(readyAgainAt),
            );
            for (const date of gap) expect(paid).not.toContain(date);
          }
        },
      ),
    );
  });

  it('splits a stay at an agreement change exactly as each agreement alone would judge its own days', () => {
    fc.assert(
      fc.property(
        generatedStay,
        someAgreement('before'),
        someAgreement('after'),
        fc.integer({ min: 0, max: 40 }),
        (stay, before, after, changeAfter) => {
          const { input } = build(stay);
          const lastDayBefore = addDays('2022-03-01', changeAfter);
          const split = calculate(input, [
            { ...before, validTo: lastDayBefore },
            { ...after, validFrom: addDays(lastDayBefore, 1) },
          ]);
          const onlyBefore = calculate(input, [before]).days.filter(
            (d) => compareDates(d.date, lastDayBefore) <= 0,
          );
          const onlyAfter = calculate(input, [after]).days.filter(
            (d) => compareDates(d.date, lastDayBefore) > 0,
          );
          const key = (d: { date: string; agreementId: string; pricePerDay: number }) =>
            `${d.date} ${d.agreementId} ${d.pricePerDay}`;
          expect(split.days.map(key)).toEqual([...onlyBefore, ...onlyAfter].map(key));
        },
      ),
    );
  });

  it('never pays fewer days when the discharge comes later', () => {
    fc.assert(
      fc.property(
        generatedStay,
        someAgreement('a'),
        fc.integer({ min: 0, max: 10 * DAY_MINUTES }),
        fc.integer({ min: 0, max: 10 * DAY_MINUTES }),
        (stay, a, earlier, extra) => {
          const early = calculate(build(stay, earlier).input, [a]).days.map((d) => d.date);
          const late = calculate(build(stay, earlier + extra).input, [a]).days.map((d) => d.date);
          expect(late.length).toBeGreaterThanOrEqual(early.length);
          for (const date of early) expect(late).toContain(date);
        },
      ),
    );
  });
});
