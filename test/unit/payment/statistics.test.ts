/**
 * The indicator series for two municipalities over February–March 2022: Solna under the
 * statutory default, Borås under a Västra Götaland-style average agreement (3-month
 * average against 3 days, settled the next month). Prices 9 300 SEK a day.
 */
import { describe, expect, it } from 'vitest';
import {
  INDICATORS,
  type Indicator,
  paymentStatistics,
} from '../../../src/domain/payment/statistics.js';
import { agreement, statutoryDefault, stayOf } from './fixtures.js';

const solna = (caseId: string, lines: string[]) =>
  stayOf(lines, { caseId, municipalityId: 'kommun-solna' });
const boras = (caseId: string, lines: string[]) =>
  stayOf(lines, { caseId, municipalityId: 'kommun-boras' });

const borasAverage = agreement({
  id: 'boras-average',
  name: 'Borås average',
  model: 'AVERAGE',
  municipalityId: 'kommun-boras',
  validFrom: '2022-01-01',
  parameters: {
    allowedAverageDays: 3,
    sameDayDischarge: 'EXCLUDED',
    windowMonths: 3,
    settlement: 'NEXT_MONTH',
  },
});

const timelines = [
  // Solna c1: notice 2 h after admission, SIP called the day after the ready notice,
  // 4-day stay closed in March, Thursday 10 March paid.
  solna('c1', [
    'admitted 2022-02-26 08:00',
    'notice 2022-02-26 10:00',
    'ready 2022-03-07 10:15',
    'sip 2022-03-08 09:00',
    'discharged 2022-03-11 11:00',
  ]),
  // Solna c2: notice 28 h after admission, discharged the day it became ready (0 days).
  solna('c2', [
    'admitted 2022-03-01 08:00',
    'notice 2022-03-02 12:00',
    'ready 2022-03-02 14:00',
    'discharged 2022-03-02 18:00',
  ]),
  // Solna c3: 7-day stay closed in February, SIP called 6 days after the notice; 17–20 Feb paid.
  solna('c3', [
    'admitted 2022-02-10 08:00',
    'notice 2022-02-10 09:00',
    'ready 2022-02-14 10:00',
    'sip 2022-02-20 09:00',
    'discharged 2022-02-21 11:00',
  ]),
  // Solna c4: ready 28 March, still in hospital; 31 March paid.
  solna('c4', ['admitted 2022-03-20 08:00', 'notice 2022-03-20 10:00', 'ready 2022-03-28 10:00']),
  // Solna c5: a ready notice before the admission cannot be counted.
  solna('c5', ['admitted 2022-03-20 08:00', 'ready 2022-03-19 10:00']),
  // Borås: stays of 5 (January), 4 (February) and 2 (March) days.
  boras('b1', [
    'admitted 2022-01-08 08:00',
    'notice 2022-01-08 10:00',
    'ready 2022-01-10 10:00',
    'discharged 2022-01-15 10:00',
  ]),
  boras('b2', [
    'admitted 2022-01-30 08:00',
    'notice 2022-01-30 10:00',
    'ready 2022-02-01 10:00',
    'discharged 2022-02-05 10:00',
  ]),
  boras('b3', [
    'admitted 2022-02-27 08:00',
    'notice 2022-02-27 10:00',
    'ready 2022-03-01 10:00',
    'discharged 2022-03-03 10:00',
  ]),
];

const statistics = paymentStatistics({
  timelines,
  agreements: [statutoryDefault, borasAverage],
  from: '2022-02',
  to: '2022-03',
});

function values(municipalityId: string, indicator: Indicator): (number | null)[] {
  const series = statistics.series.find(
    (s) => s.municipalityId === municipalityId && s.indicator === indicator,
  );
  if (series === undefined) throw new Error(`no series ${municipalityId} ${indicator}`);
  return series.points.map((p) => p.value);
}

describe('paymentStatistics', () => {
  it('gives one series per municipality and indicator, one point per month', () => {
    expect(statistics.months).toEqual(['2022-02', '2022-03']);
    expect(statistics.series).toHaveLength(2 * Object.keys(INDICATORS).length);
    expect(statistics.series[0]).toMatchObject({
      municipalityId: 'kommun-boras',
      indicator: 'readyCases',
      label: 'Cases that became ready for discharge',
      unit: 'cases',
      points: [
        { month: '2022-02', value: 1 },
        { month: '2022-03', value: 1 },
      ],
    });
  });

  it.each<[Indicator, number, number, string]>([
    // [indicator, February, March, what is counted]
    ['readyCases', 1, 3, 'c3 | c1, c2, c4'],
    ['discharges', 1, 2, 'c3 | c1, c2'],
    ['readyDaysTotalNational', 7, 4, 'c3 | c1; c2 has 0 days'],
    ['readyDaysAverageNational', 7, 4, 'c3 | c1'],
    ['readyDaysTotalLocal', 7, 4, 'c3 | c1 + c2 with 0 days'],
    ['readyDaysAverageLocal', 7, 2, 'c3 | (4 + 0) / 2'],
    ['rollingAverageNational', 7, 11 / 2, 'Dec–Feb: c3 | Jan–Mar: (7 + 4) / 2'],
    ['rollingAverageLocal', 7, 11 / 3, 'c3 | (7 + 4 + 0) / 3'],
    ['paymentDays', 4, 2, '17–20 Feb | 10 and 31 March'],
    ['paymentAmount', 37200, 18600, '4 | 2 days × 9 300'],
    ['admissionNoticeWithin24hShare', 1, 0.5, 'by admission month: c1, c3 | c2 late, c4'],
    ['sipCallWithin3DaysShare', 0, 1, 'c3 after 6 days | c1 after 1 day'],
  ])('Solna %s: Feb %d, Mar %d (%s)', (indicator, february, march) => {
    expect(values('kommun-solna', indicator)).toEqual([february, march]);
  });

  it.each([
    // January assessed (5 days / 1 stay vs 3) → 2 days settled in February;
    // February assessed ((5 + 4) / 2 = 4.5 vs 3) → 1.5 days × 1 stay settled in March.
    ['paymentDays', [2, 1.5]],
    ['paymentAmount', [18600, 13950]],
    ['rollingAverageNational', [4.5, 11 / 3]],
    ['sipCallWithin3DaysShare', [null, null]],
  ] as const)('Borås %s: %j', (indicator, expected) => {
    expect(values('kommun-boras', indicator)).toEqual(expected);
  });

  it('reports a case it cannot count instead of failing the whole report', () => {
    expect(statistics.problems).toEqual([
      {
        municipalityId: 'kommun-solna',
        caseId: 'c5',
        error: expect.objectContaining({ code: 'EVENTS_OUT_OF_ORDER' }),
      },
    ]);
  });
});

describe('the share of admission notices within 24 h', () => {
  // March 2022, Solna: n1 notice after 2 h (in time), n2 after 30 h (late), n3 never sent
  // (late: counted in the denominator), n4 admitted 31 March 20:00 without a notice yet.
  const cases = [
    solna('n1', ['admitted 2022-03-02 08:00', 'notice 2022-03-02 10:00']),
    solna('n2', ['admitted 2022-03-03 08:00', 'notice 2022-03-04 14:00']),
    solna('n3', ['admitted 2022-03-05 08:00', 'ready 2022-03-07 10:00']),
    solna('n4', ['admitted 2022-03-31 20:00']),
  ];
  const share = (asOf?: Date) =>
    paymentStatistics({
      timelines: cases,
      agreements: [statutoryDefault],
      from: '2022-03',
      to: '2022-03',
      ...(asOf ? { asOf } : {}),
    }).series.find((s) => s.indicator === 'admissionNoticeWithin24hShare')!.points[0]!.value;

  it('counts a case without a notice as late once 24 h have passed', () => {
    // 1 in time of n1, n2, n3, n4: 1/4.
    expect(share()).toBe(1 / 4);
    expect(share(new Date('2022-04-10T00:00:00Z'))).toBe(1 / 4);
  });

  it('leaves out a case admitted less than 24 h ago that can still send its notice', () => {
    // On 1 April 08:00 n4 was admitted 12 h ago: 1 in time of n1, n2, n3: 1/3.
    expect(share(new Date('2022-04-01T06:00:00Z'))).toBe(1 / 3);
  });

  it('names the choice in the indicator’s description', () => {
    expect(INDICATORS.admissionNoticeWithin24hShare.label).toContain(
      'cases without a notice count as late',
    );
  });
});
