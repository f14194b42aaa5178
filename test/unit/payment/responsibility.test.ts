/**
 * Worked examples of payment responsibility, one row each. March 2022: Monday is the 7th;
 * the price per day is Socialstyrelsen's 9 300 SEK for 2022 unless a row says otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentAgreement } from '../../../src/domain/payment/agreement.js';
import { paymentResponsibilityDays } from '../../../src/domain/payment/responsibility.js';
import {
  agreement,
  at,
  MUNICIPALITY,
  statutoryDefault,
  stayOf,
  stockholmIndividual,
  stockholmParameters,
} from './fixtures.js';

const MARCH_END = '2022-04-01';

/** A made-up individual agreement: 2 free days counted after day 0, discharge day paid. */
const dischargeDayPaid = agreement({
  id: 'region-x',
  name: 'Region X',
  model: 'INDIVIDUAL',
  parameters: {
    ...stockholmParameters,
    dayZeroCounts: false,
    noticeCutoff: null,
    dischargeDayCounts: true,
  },
});

/** Stockholm's parameters, except that a withdrawal does not interrupt the count. */
const withdrawalDisregarded = agreement({
  id: 'withdrawal-disregarded',
  name: 'Withdrawal disregarded',
  model: 'INDIVIDUAL',
  parameters: {
    ...stockholmParameters,
    exclusions: { ...stockholmParameters.exclusions, readyWithdrawn: false },
  },
});

const stockholmAverage = agreement({
  id: 'sthlm-average',
  name: 'Stockholm average model',
  model: 'AVERAGE',
  parameters: {
    allowedAverageDays: 1.5,
    sameDayDischarge: 'COUNTED_AS_DAY_0',
    windowMonths: 1,
    settlement: 'SAME_MONTH',
  },
});

/** The law until Wednesday 9 March, then an individual agreement at 12 000 SEK a day. */
const lawUntilWednesday = agreement({
  id: 'law-until-9-march',
  name: 'Lag 2017:612 default',
  model: 'STATUTORY_DEFAULT',
  validTo: '2022-03-09',
});
const individualFromThursday = agreement({
  id: 'individual-from-10-march',
  name: 'Individual 12 000',
  model: 'INDIVIDUAL',
  validFrom: '2022-03-10',
  prices: [{ year: 2022, pricePerDay: 12000 }],
  parameters: stockholmParameters,
});

interface Example {
  example: string;
  agreements: PaymentAgreement[];
  psychiatric?: boolean;
  events: string[];
  until?: string;
  paid: string[];
  amount: number;
}

const examples: Example[] = [
  {
    example:
      'ready Mon 10:15, discharge Fri: statutory default → Thu is day 3, Fri is discharge day',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-10'],
    amount: 9300,
  },
  {
    example:
      'ready Mon 10:15, discharge next Mon: statutory default → Thu, Fri, Sat, Sun = 4 × 9 300',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-10', '2022-03-11', '2022-03-12', '2022-03-13'],
    amount: 37200,
  },
  {
    example: 'ready Mon 23:30: the law has no cut-off → Mon is still day 0, Thu day 3',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 23:30',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-10'],
    amount: 9300,
  },
  {
    example:
      'no admission notice: statutory default → nothing, the municipality must have both notices',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:15', 'discharged 2022-03-14 11:00'],
    paid: [],
    amount: 0,
  },
  {
    example: 'admission notice Wed after ready Mon: statutory → day 0 is Wed, Sat and Sun paid',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'ready 2022-03-07 10:15',
      'notice 2022-03-09 09:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-12', '2022-03-13'],
    amount: 18600,
  },
  {
    example:
      'ready Mon, withdrawn Fri, ready again Mon, discharge Fri: statutory → Thu 10 and Thu 17',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 09:00',
      'withdrawn 2022-03-11 08:00',
      'ready 2022-03-14 09:00',
      'discharged 2022-03-18 10:00',
    ],
    paid: ['2022-03-10', '2022-03-17'],
    amount: 18600,
  },
  {
    example:
      'ready notice Mon annulled, new ready notice Wed: statutory → day 0 Wed, Sat and Sun paid',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'annul e2 2022-03-07 11:00',
      'ready 2022-03-09 10:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-12', '2022-03-13'],
    amount: 18600,
  },
  {
    example:
      'ready Thu 24 Mar, still in hospital at month end: statutory → Sun 27 (a 23-hour day) to Thu 31',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-20 14:00', 'notice 2022-03-20 16:00', 'ready 2022-03-24 10:00'],
    until: MARCH_END,
    paid: ['2022-03-27', '2022-03-28', '2022-03-29', '2022-03-30', '2022-03-31'],
    amount: 46500,
  },
  {
    example: 'ready Mon 10:15, discharge Fri: Stockholm somatic (2 days incl. day 0) → Wed, Thu',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-09', '2022-03-10'],
    amount: 18600,
  },
  {
    example: 'ready Mon 13:05, after the noon cut-off: Stockholm somatic → day 0 Tue, only Thu',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 13:05',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-10'],
    amount: 9300,
  },
  {
    example: 'ready Mon 12:00 sharp: at the cut-off counts as the next day → only Thu',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 12:00',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-10'],
    amount: 9300,
  },
  {
    example:
      'ready Sun 27 Mar 12:30 summer time (DST day): after the cut-off → day 0 Mon 28, Wed 30 and Thu 31',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-20 14:00',
      'notice 2022-03-20 16:00',
      'ready 2022-03-27 12:30',
      'discharged 2022-04-01 09:00',
    ],
    paid: ['2022-03-30', '2022-03-31'],
    amount: 18600,
  },
  {
    example:
      'psychiatric, ready Mon 10:15, discharge next Mon: Stockholm (5 days incl. day 0) → Sat, Sun',
    agreements: [stockholmIndividual],
    psychiatric: true,
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-12', '2022-03-13'],
    amount: 18600,
  },
  {
    example: 'admission notice 25 h after admission: Stockholm (24 h rule) → no responsibility',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 08:00',
      'notice 2022-03-06 09:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: [],
    amount: 0,
  },
  {
    example:
      'the same late notice under the statutory default → Thu to Sun, the law has no 24 h rule',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 08:00',
      'notice 2022-03-06 09:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-10', '2022-03-11', '2022-03-12', '2022-03-13'],
    amount: 37200,
  },
  {
    example: 'patient declines support Thu: Stockholm → only Wed',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'declined 2022-03-10 11:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-09'],
    amount: 9300,
  },
  {
    example: 'declines Thu, accepts again Sat: Stockholm → Wed, Sat, Sun',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'declined 2022-03-10 11:00',
      'accepted 2022-03-12 09:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-09', '2022-03-12', '2022-03-13'],
    amount: 27900,
  },
  {
    example: 'ready Mon, withdrawn Wed 15:00, ready Thu 09:00, discharge Mon: Stockholm → Sat, Sun',
    agreements: [stockholmIndividual],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'withdrawn 2022-03-09 15:00',
      'ready 2022-03-10 09:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-12', '2022-03-13'],
    amount: 18600,
  },
  {
    example:
      'the same, under an agreement that disregards withdrawals → Wed to Sun from the first notice',
    agreements: [withdrawalDisregarded],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'withdrawn 2022-03-09 15:00',
      'ready 2022-03-10 09:00',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-09', '2022-03-10', '2022-03-11', '2022-03-12', '2022-03-13'],
    amount: 46500,
  },
  {
    example: 'ready Mon, discharge Fri: 2 free days after day 0, discharge day paid → Thu, Fri',
    agreements: [dischargeDayPaid],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-11 11:00',
    ],
    paid: ['2022-03-10', '2022-03-11'],
    amount: 18600,
  },
  {
    example: 'average model: no day is charged per patient',
    agreements: [stockholmAverage],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: [],
    amount: 0,
  },
  {
    example:
      'law until Wed 9 Mar, individual at 12 000 from Thu: Mon–Wed free under the law, Thu–Sun at 12 000',
    agreements: [lawUntilWednesday, individualFromThursday],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    paid: ['2022-03-10', '2022-03-11', '2022-03-12', '2022-03-13'],
    amount: 48000,
  },
];

describe('paymentResponsibilityDays: worked examples', () => {
  it.each(examples)('$example', ({ agreements, psychiatric, events, until, paid, amount }) => {
    const result = paymentResponsibilityDays(
      { ...stayOf(events, { psychiatric: psychiatric ?? false }), until: until ?? MARCH_END },
      agreements,
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.days.map((d) => d.date)).toEqual(paid);
    expect(result.value.totalAmount).toBe(amount);
  });

  it('explains a statutory day in words and traces it to both notices', () => {
    const result = paymentResponsibilityDays(
      {
        ...stayOf([
          'admitted 2022-03-05 14:00',
          'notice 2022-03-05 16:00',
          'ready 2022-03-07 10:15',
          'discharged 2022-03-11 11:00',
        ]),
        until: MARCH_END,
      },
      [statutoryDefault],
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.days).toEqual([
      {
        date: '2022-03-10',
        agreementId: 'lag-2017-612',
        reason: 'day 3 after ready notice 2022-03-07 (lag 2017:612 default)',
        eventIds: ['e1', 'e2'],
        readyNoticeId: 'e2',
        countedFrom: 'ready notice 2022-03-07',
        pricePerDay: 9300,
      },
    ]);
    expect(result.value.unpaidDays.map((d) => [d.date, d.reason])).toEqual([
      [
        '2022-03-07',
        'day 0 after ready notice 2022-03-07: free day, paid from day 3 (lag 2017:612 default)',
      ],
      [
        '2022-03-08',
        'day 1 after ready notice 2022-03-07: free day, paid from day 3 (lag 2017:612 default)',
      ],
      [
        '2022-03-09',
        'day 2 after ready notice 2022-03-07: free day, paid from day 3 (lag 2017:612 default)',
      ],
      ['2022-03-11', 'day of discharge, not a day of inpatient care (lag 2017:612 default)'],
    ]);
  });

  it('names the cut-off when a notice counts from the next day', () => {
    const result = paymentResponsibilityDays(
      {
        ...stayOf([
          'admitted 2022-03-05 14:00',
          'notice 2022-03-05 16:00',
          'ready 2022-03-07 13:05',
          'discharged 2022-03-11 11:00',
        ]),
        until: MARCH_END,
      },
      [stockholmIndividual],
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.days[0]?.reason).toBe(
      'day 2 after ready notice 2022-03-07, counted from 2022-03-08: sent 13:05, at or after the 12:00 cut-off (agreement Stockholm individual routine)',
    );
    expect(result.value.unpaidDays[0]?.date).toBe('2022-03-07');
  });

  it('charges each day under the agreement valid on it, with that agreement’s price', () => {
    const result = paymentResponsibilityDays(
      {
        ...stayOf([
          'admitted 2022-03-05 14:00',
          'notice 2022-03-05 16:00',
          'ready 2022-03-07 10:15',
          'discharged 2022-03-14 11:00',
        ]),
        until: MARCH_END,
      },
      [lawUntilWednesday, individualFromThursday],
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(new Set(result.value.days.map((d) => `${d.agreementId} ${d.pricePerDay}`))).toEqual(
      new Set(['individual-from-10-march 12000']),
    );
    expect(
      result.value.unpaidDays
        .filter((d) => d.agreementId === 'law-until-9-march')
        .map((d) => d.date),
    ).toEqual(['2022-03-07', '2022-03-08', '2022-03-09']);
  });

  it('stops at until: a March invoice does not contain April days', () => {
    const result = paymentResponsibilityDays(
      {
        ...stayOf([
          'admitted 2022-03-25 14:00',
          'notice 2022-03-25 16:00',
          'ready 2022-03-28 10:00',
          'discharged 2022-04-05 10:00',
        ]),
        until: MARCH_END,
      },
      [statutoryDefault],
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.days.map((d) => d.date)).toEqual(['2022-03-31']);
  });
});

interface Refusal {
  problem: string;
  agreements: PaymentAgreement[];
  events: string[];
  code: string;
  mentions: string[];
}

const refusals: Refusal[] = [
  {
    problem: 'ready notice before the admission',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-07 14:00', 'ready 2022-03-07 10:15'],
    code: 'EVENTS_OUT_OF_ORDER',
    mentions: ['e1', 'before the admission at 2022-03-07 14:00'],
  },
  {
    problem: 'ready notice after the discharge',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'discharged 2022-03-08 10:00',
      'ready 2022-03-09 10:15',
    ],
    code: 'EVENTS_OUT_OF_ORDER',
    mentions: ['e3', 'after the discharge', 'e2'],
  },
  {
    problem: 'withdrawal without an active ready notice',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-05 14:00', 'notice 2022-03-05 16:00', 'withdrawn 2022-03-08 10:00'],
    code: 'EVENTS_OUT_OF_ORDER',
    mentions: ['e2', 'READY_FOR_DISCHARGE_WITHDRAWN', 'not active'],
  },
  {
    problem: 'second ready notice while the first is active',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:00', 'ready 2022-03-08 10:00'],
    code: 'EVENTS_OUT_OF_ORDER',
    mentions: ['e2', 'e1', 'still active'],
  },
  {
    problem: 'two discharges',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-03-05 14:00',
      'discharged 2022-03-07 10:00',
      'discharged 2022-03-08 10:00',
    ],
    code: 'EVENTS_OUT_OF_ORDER',
    mentions: ['e2', 'second discharge', 'e1'],
  },
  {
    problem: 'no agreement for the first day of the stay',
    agreements: [individualFromThursday],
    events: [
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-14 11:00',
    ],
    code: 'NO_AGREEMENT',
    mentions: ['2022-03-07', MUNICIPALITY, 'STATUTORY_DEFAULT'],
  },
  {
    problem: 'a paid day in a year without a price',
    agreements: [statutoryDefault],
    events: [
      'admitted 2022-12-27 14:00',
      'notice 2022-12-27 16:00',
      'ready 2022-12-28 10:00',
      'discharged 2023-01-04 11:00',
    ],
    code: 'MISSING_PRICE',
    mentions: ['lag-2017-612', '2023'],
  },
  {
    problem: 'two agreements valid on the same day',
    agreements: [statutoryDefault, stockholmIndividual],
    events: ['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:15'],
    code: 'OVERLAPPING_AGREEMENTS',
    mentions: ['lag-2017-612', 'sthlm-individual', '2022-03-07'],
  },
  {
    problem: 'annulment of an event not in the list',
    agreements: [statutoryDefault],
    events: ['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:15', 'annul e9 2022-03-07 11:00'],
    code: 'INVALID_TIMELINE',
    mentions: ['e2', 'e9'],
  },
];

describe('paymentResponsibilityDays: refusals name what to fix', () => {
  it.each(refusals)('$problem → $code', ({ agreements, events, code, mentions }) => {
    const result = paymentResponsibilityDays(
      { ...stayOf(events), until: '2023-02-01' },
      agreements,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    for (const text of mentions) expect(result.error.message).toContain(text);
  });

  it('refuses a case record whose dischargedAt disagrees with the event list', () => {
    const timeline = stayOf([
      'admitted 2022-03-05 14:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-09 10:00',
    ]);
    const result = paymentResponsibilityDays(
      { ...timeline, dischargedAt: at('2022-03-10 10:00'), until: MARCH_END },
      [statutoryDefault],
    );
    expect(result.ok ? null : result.error.code).toBe('INVALID_TIMELINE');
  });

  it('refuses an until that is not a calendar date', () => {
    const timeline = stayOf(['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:15']);
    const result = paymentResponsibilityDays({ ...timeline, until: '2022-04' }, [statutoryDefault]);
    expect(result.ok ? null : result.error).toEqual({
      code: 'INVALID_TIMELINE',
      message: "until must be a calendar date written YYYY-MM-DD, not '2022-04'",
    });
  });

  it('refuses a support flag that is not true or false', () => {
    const timeline = stayOf(['admitted 2022-03-05 14:00', 'ready 2022-03-07 10:15']);
    const events = [
      ...timeline.events,
      {
        id: 'e9',
        type: 'CONSENT_RECORDED' as const,
        occurredAt: at('2022-03-08 10:00'),
        payload: { supportDeclined: 'yes' },
      },
    ];
    const result = paymentResponsibilityDays({ ...timeline, events, until: MARCH_END }, [
      statutoryDefault,
    ]);
    expect(result.ok ? null : result.error.message).toContain('payload.supportDeclined');
  });

  it('reads consent to data sharing without a support flag as saying nothing about support', () => {
    const timeline = stayOf([
      'admitted 2022-03-05 14:00',
      'notice 2022-03-05 16:00',
      'ready 2022-03-07 10:15',
      'discharged 2022-03-11 11:00',
    ]);
    const events = [
      ...timeline.events,
      {
        id: 'e9',
        type: 'CONSENT_RECORDED' as const,
        occurredAt: at('2022-03-08 10:00'),
        payload: { consent: 'DECLINED' },
      },
    ];
    const result = paymentResponsibilityDays({ ...timeline, events, until: MARCH_END }, [
      stockholmIndividual,
    ]);
    expect(result.ok ? result.value.days.map((d) => d.date) : result.error).toEqual([
      '2022-03-09',
      '2022-03-10',
    ]);
  });
});

describe('free days counted in working days (Easter 2026: Fri 3 – Mon 6 April)', () => {
  const workingDays = (freeDays: number, dayZeroCounts: boolean) =>
    agreement({
      id: `working-${freeDays}-${dayZeroCounts}`,
      name: 'Working days',
      model: 'INDIVIDUAL',
      prices: [{ year: 2026, pricePerDay: 9300 }],
      parameters: {
        ...stockholmParameters,
        freeDays: { somatic: freeDays, psychiatric: freeDays },
        freeDayCounting: 'WORKING_DAYS',
        dayZeroCounts,
        noticeCutoff: null,
      },
    });
  const stay = stayOf([
    'admitted 2026-03-30 08:00',
    'notice 2026-03-30 09:00',
    'ready 2026-04-02 10:00',
    'discharged 2026-04-10 10:00',
  ]);
  const paidDates = (a: PaymentAgreement) => {
    const result = paymentResponsibilityDays({ ...stay, until: '2026-05-01' }, [a]);
    if (!result.ok) throw new Error(result.error.message);
    return result.value.days.map((d) => d.date);
  };

  it.each([
    // Day 0 Thu 2 counts: 1 free working day is Thu 2 itself; paid from Fri 3 (a holiday).
    [
      1,
      true,
      [
        '2026-04-03',
        '2026-04-04',
        '2026-04-05',
        '2026-04-06',
        '2026-04-07',
        '2026-04-08',
        '2026-04-09',
      ],
    ],
    // Thu 2, Tue 7 → paid from Wed 8.
    [2, true, ['2026-04-08', '2026-04-09']],
    // Day 0 not counted: Tue 7, Wed 8 → paid from Thu 9.
    [2, false, ['2026-04-09']],
    // No free days, day 0 not among them: paid from the day after day 0, Fri 3.
    [
      0,
      false,
      [
        '2026-04-03',
        '2026-04-04',
        '2026-04-05',
        '2026-04-06',
        '2026-04-07',
        '2026-04-08',
        '2026-04-09',
      ],
    ],
  ])('%i free working days (day 0 counted: %s)', (freeDays, dayZeroCounts, expected) => {
    expect(paidDates(workingDays(freeDays, dayZeroCounts))).toEqual(expected);
  });

  it('says why a free day is free and which working days were counted', () => {
    const result = paymentResponsibilityDays({ ...stay, until: '2026-05-01' }, [
      workingDays(3, true),
    ]);
    if (!result.ok) throw new Error(result.error.message);
    const reason = (date: string) => result.value.unpaidDays.find((d) => d.date === date)?.reason;
    expect(reason('2026-04-03')).toContain('långfredagen, not a working day');
    expect(reason('2026-04-07')).toContain('working day 2 of 3');
    expect(result.value.days[0]?.reason).toContain(
      'after the free working days 2026-04-02, 2026-04-07, 2026-04-08',
    );
  });
});
