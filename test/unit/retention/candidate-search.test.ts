import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates, type IsoDate } from '../../../src/domain/calendar.js';
import { firstDayNotDue, isDue, latestDueAnchor } from '../../../src/domain/retention/rules.js';

/**
 * Issue 16, item 6: the candidate search stops at firstDayNotDue, so it must never stop
 * before a record that isDue. Month arithmetic clamps, so for policies with both months and
 * days a bound computed by taking the months off the run's day missed due records.
 */
const day = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2040-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10) as IsoDate);
const rule = fc.record({
  months: fc.integer({ min: 0, max: 130 }),
  days: fc.integer({ min: 0, max: 400 }),
});

describe('latestDueAnchor', () => {
  it('is due, and the day after it is not', () => {
    fc.assert(
      fc.property(day, rule, (asOf, r) => {
        const anchor = latestDueAnchor(asOf, r);
        expect(isDue(anchor, r, asOf)).toBe(true);
        expect(isDue(addDays(anchor, 1), r, asOf)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('firstDayNotDue', () => {
  it('lies after every record due under any of the rules', () => {
    fc.assert(
      fc.property(
        day,
        fc.array(rule, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 120 }),
        (asOf, rules, daysBeforeBound) => {
          const bound = firstDayNotDue(asOf, rules);
          // Records around the bound: the ones a wrong bound would leave out.
          for (const offset of [-daysBeforeBound, -3, -2, -1, 0, 1, 2, 3]) {
            const anchor = addDays(bound, offset);
            if (rules.some((r) => isDue(anchor, r, asOf))) {
              expect(compareDates(anchor, bound), `${anchor} due, bound ${bound}`).toBeLessThan(0);
            }
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('finds the cases the old bound missed (months + days across a short month)', () => {
    // 1 month + 30 days as of 31 March: a last entry on 31 January is kept through
    // 28 February + 30 days = 30 March, so it is due; so are the other examples.
    const cases: [IsoDate, { months: number; days: number }, IsoDate][] = [
      ['2026-03-31', { months: 1, days: 30 }, '2026-01-31'],
      ['2026-03-31', { months: 59, days: 30 }, '2021-03-31'],
      ['2026-08-31', { months: 6, days: 30 }, '2026-01-31'],
      ['2027-05-31', { months: 13, days: 90 }, '2026-01-31'],
    ];
    for (const [asOf, r, anchor] of cases) {
      expect(isDue(anchor, r, asOf), `${anchor} ${JSON.stringify(r)} ${asOf}`).toBe(true);
      expect(compareDates(anchor, firstDayNotDue(asOf, [r]))).toBeLessThan(0);
    }
  });
});
