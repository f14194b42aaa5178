/**
 * Worked examples of the average model. Stays are written as "ready date → discharge date";
 * the price is 9 300 SEK a day (2022).
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar.js';
import type { AverageAgreement } from '../../../src/domain/payment/agreement.js';
import {
  assessAverageModel,
  type ClosedStay,
  closedStay,
  monthlyReadyDays,
  rollingAverage,
  stayDays,
} from '../../../src/domain/payment/average.js';
import { agreement, stayOf } from './fixtures.js';

let next = 0;
/** Stays discharged on `dischargedOn`, one per length in days. */
function staysOf(dischargedOn: string, lengths: number[]): ClosedStay[] {
  return lengths.map((days) => {
    next += 1;
    return {
      caseId: `case-${next}`,
      readyOn: addDays(dischargedOn, -days),
      dischargedOn,
      eventIds: [`ready-${next}`, `discharged-${next}`],
    };
  });
}

function averageAgreement(parameters: Record<string, unknown>): AverageAgreement {
  const parsed = agreement({
    id: 'avg',
    name: 'Average test',
    model: 'AVERAGE',
    validFrom: '2020-01-01',
    parameters,
  });
  if (parsed.model !== 'AVERAGE') throw new Error('expected an average agreement');
  return parsed;
}

/** Stockholm: each month alone, 0-day stays count, an illustrative agreed level of 1.5 days. */
const stockholmAverage = averageAgreement({
  allowedAverageDays: 1.5,
  sameDayDischarge: 'COUNTED_AS_DAY_0',
  windowMonths: 1,
  settlement: 'SAME_MONTH',
});

/** Västra Götaland: 3-month rolling average against 3 days, money moves the next month. */
const vgrAverage = averageAgreement({
  allowedAverageDays: 3,
  sameDayDischarge: 'EXCLUDED',
  windowMonths: 3,
  settlement: 'NEXT_MONTH',
});

describe('monthly average days from ready notice to discharge', () => {
  // March 2022: seven stays of 0, 0, 1, 2, 3, 4 and 5 days, all discharged 31 March.
  const march = staysOf('2022-03-31', [0, 0, 1, 2, 3, 4, 5]);
  const february = staysOf('2022-02-28', [9]);

  it.each([
    // definition           stays  total  average
    ['COUNTED_AS_DAY_0', 7, 15, 15 / 7],
    ['EXCLUDED', 5, 15, 3],
  ] as const)('%s: %i stays, %i days, average %d', (rule, stays, totalDays, average) => {
    expect(monthlyReadyDays('2022-03', [...march, ...february], rule)).toEqual({
      month: '2022-03',
      stays,
      totalDays,
      averageDays: average,
    });
  });

  it('has no average for a month without stays', () => {
    expect(monthlyReadyDays('2022-04', march, 'EXCLUDED')).toEqual({
      month: '2022-04',
      stays: 0,
      totalDays: 0,
      averageDays: null,
    });
  });

  it('pools the stays of the window: Feb 9 days + March 15 days over 6 stays of ≥ 1 day', () => {
    expect(rollingAverage('2022-03', 2, [...march, ...february], 'EXCLUDED')).toBe(24 / 6);
  });

  it('counts a same-day discharge as 0 days', () => {
    expect(
      stayDays({ caseId: 'c', readyOn: '2022-03-07', dischargedOn: '2022-03-07', eventIds: [] }),
    ).toBe(0);
  });
});

describe('assessAverageModel: worked examples', () => {
  it('Stockholm, March 2022: 0,0,1,2,3,4,5 days → average 15/7 ≈ 2.14 > 1.5 → 4.5 excess days × 9 300 = 41 850 SEK in March', () => {
    const result = assessAverageModel(
      stockholmAverage,
      '2022-03',
      staysOf('2022-03-31', [0, 0, 1, 2, 3, 4, 5]),
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      windowAverageDays: 15 / 7,
      staysInMonth: 7,
      excessDays: 4.5,
      pricePerDay: 9300,
      amount: 41850,
      settlementMonth: '2022-03',
      moneyMoves: true,
    });
    expect(result.value.reason).toBe(
      'average in 2022-03 2.14 days (15 days / 7 stays) exceeds the agreed 1.5 days by 9/14 (≈ 0.64) days × 7 stays in 2022-03 = 9/2 (≈ 4.50) days × 9300.00 SEK = 41850.00 SEK, rounded once to öre, settled in 2022-03 (agreement Average test)',
    );
  });

  it('VGR, Jan–Mar 2022: 10/4, 20/5, 24/6 days/stays → 3-month average 54/15 = 3.6 > 3 → 0.6 × 6 March stays = 3.6 days × 9 300 = 33 480 SEK in April', () => {
    const stays = [
      ...staysOf('2022-01-20', [1, 2, 3, 4]),
      ...staysOf('2022-02-15', [2, 3, 4, 5, 6]),
      ...staysOf('2022-03-10', [2, 3, 4, 4, 5, 6]),
    ];
    const result = assessAverageModel(vgrAverage, '2022-03', stays);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.window.map((m) => [m.month, m.totalDays, m.stays])).toEqual([
      ['2022-01', 10, 4],
      ['2022-02', 20, 5],
      ['2022-03', 24, 6],
    ]);
    expect(result.value).toMatchObject({
      windowAverageDays: 3.6,
      excessDays: 3.6,
      amount: 33480,
      settlementMonth: '2022-04',
      moneyMoves: true,
    });
    expect(result.value.caseIds).toHaveLength(6);
  });

  it('VGR: a quiet March (10/6 ≈ 1.67 days) after a heavy quarter: 3-month average 50/15 ≈ 3.33 > 3 → 0.33 × 6 = 2 days × 9 300 = 18 600 SEK in April', () => {
    const stays = [
      ...staysOf('2022-01-20', [4, 5, 6, 5]),
      ...staysOf('2022-02-15', [3, 4, 5, 4, 4]),
      ...staysOf('2022-03-10', [1, 1, 2, 2, 2, 2]),
    ];
    expect(monthlyReadyDays('2022-03', stays, 'EXCLUDED').averageDays).toBe(10 / 6);
    const result = assessAverageModel(vgrAverage, '2022-03', stays);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      windowAverageDays: 50 / 15,
      excessDays: 2,
      amount: 18600,
      settlementMonth: '2022-04',
    });
  });

  it('VGR: a month within the level → no money moves, and the reason says so', () => {
    const result = assessAverageModel(vgrAverage, '2022-03', staysOf('2022-03-10', [1, 2, 3]));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.moneyMoves).toBe(false);
    expect(result.value.reason).toContain('is within the agreed 3 days: no payment');
  });

  it('day-0 rule decides: 0,0,0,6 days → 1.5 with day 0 counted, 6 without', () => {
    const stays = staysOf('2022-03-10', [0, 0, 0, 6]);
    expect(monthlyReadyDays('2022-03', stays, 'COUNTED_AS_DAY_0').averageDays).toBe(1.5);
    expect(monthlyReadyDays('2022-03', stays, 'EXCLUDED').averageDays).toBe(6);
  });

  it('refuses a month whose year has no price', () => {
    const result = assessAverageModel(stockholmAverage, '2023-03', staysOf('2023-03-10', [3]));
    expect(result.ok ? null : result.error.code).toBe('MISSING_PRICE');
  });
});

describe('closedStay', () => {
  it('measures from the ready notice active at discharge', () => {
    const timeline = stayOf([
      'admitted 2022-03-01 10:00',
      'ready 2022-03-03 10:00',
      'withdrawn 2022-03-04 10:00',
      'ready 2022-03-07 10:00',
      'discharged 2022-03-09 15:00',
    ]);
    expect(closedStay(timeline)).toEqual({
      ok: true,
      value: {
        caseId: 'case-1',
        readyOn: '2022-03-07',
        dischargedOn: '2022-03-09',
        eventIds: ['e3', 'e4'],
      },
    });
  });

  it('is null for a discharge while not ready, or a stay not yet discharged', () => {
    const withdrawn = stayOf([
      'admitted 2022-03-01 10:00',
      'ready 2022-03-03 10:00',
      'withdrawn 2022-03-04 10:00',
      'discharged 2022-03-09 15:00',
    ]);
    const open = stayOf(['admitted 2022-03-01 10:00', 'ready 2022-03-03 10:00']);
    expect(closedStay(withdrawn)).toEqual({ ok: true, value: null });
    expect(closedStay(open)).toEqual({ ok: true, value: null });
  });
});

describe('assessAverageModel: days stay exact until priced', () => {
  it('(16/3 − 2) × 9 300 = 31 000.00 SEK, not 3.33 × 9 300 = 30 969.00', () => {
    // Window Jan–Mar: 5 + 5 + 6 = 16 days over 3 stays; March has 1 stay.
    // Excess 16/3 − 2 = 10/3 days × 1 stay; 10/3 × 930 000 öre = 3 100 000 öre exactly.
    const stays = [
      ...staysOf('2022-01-20', [5]),
      ...staysOf('2022-02-15', [5]),
      ...staysOf('2022-03-10', [6]),
    ];
    const threeMonths = averageAgreement({
      allowedAverageDays: 2,
      sameDayDischarge: 'EXCLUDED',
      windowMonths: 3,
      settlement: 'SAME_MONTH',
    });
    const result = assessAverageModel(threeMonths, '2022-03', stays);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      excessDaysExact: '10/3',
      amountInOre: 3_100_000,
      amount: 31_000,
      staysInMonth: 1,
    });
    expect(result.value.reason).toContain('10/3 (≈ 3.33) days × 9300.00 SEK = 31000.00 SEK');
  });

  it('rounds once at the end, half-up: ½ öre goes up, ¼ öre goes down', () => {
    // 3 stays of 1 + 1 + 2 days average 4/3; allowed 1: 1/3 over × 3 stays = exactly 1 day
    // (rounding 0.33 first would give 0.99) × 0.05 SEK = 5 öre.
    const cheap = (price: number, allowedAverageDays: number) =>
      agreement({
        id: 'cheap',
        name: 'Cheap',
        model: 'AVERAGE',
        validFrom: '2020-01-01',
        prices: [{ year: 2022, pricePerDay: price }],
        parameters: {
          allowedAverageDays,
          sameDayDischarge: 'EXCLUDED',
          windowMonths: 1,
          settlement: 'SAME_MONTH',
        },
      }) as AverageAgreement;
    const march = staysOf('2022-03-20', [1, 1, 2]);
    const third = assessAverageModel(cheap(0.05, 1), '2022-03', march);
    if (!third.ok) throw new Error(third.error.message);
    expect([third.value.excessDaysExact, third.value.amountInOre]).toEqual(['1', 5]);
    // Average 4/3 − 1.25 = 1/12 × 3 stays = 1/4 day × 0.02 SEK = 0.5 öre → 1 öre (half-up).
    const half = assessAverageModel(cheap(0.02, 1.25), '2022-03', march);
    if (!half.ok) throw new Error(half.error.message);
    expect([half.value.excessDaysExact, half.value.amountInOre]).toEqual(['1/4', 1]);
    // 1/4 day × 0.01 SEK = 0.25 öre → 0: no money moves.
    const quarter = assessAverageModel(cheap(0.01, 1.25), '2022-03', march);
    if (!quarter.ok) throw new Error(quarter.error.message);
    expect([quarter.value.amountInOre, quarter.value.moneyMoves]).toEqual([0, false]);
  });
});
