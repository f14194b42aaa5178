import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockholmDate, stockholmInstant } from '../../../src/domain/calendar.js';
import { accessLogPartitionAnchor, isDue } from '../../../src/domain/retention/rules.js';

/**
 * Issue 16, item 5: access-log partitions are UTC months while the rules count Stockholm
 * days. A partition is anchored on the Stockholm day of its last instant, so no row in it
 * goes before its own Stockholm day's period has run out.
 */
const FIVE_YEARS = { months: 60, days: 0 };
const utcMonth = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1));

describe('the anchor of a UTC-month access-log partition', () => {
  it('is the 1st of the next month, in winter and in summer', () => {
    expect(accessLogPartitionAnchor(utcMonth(2020, 12))).toBe('2021-01-01');
    expect(accessLogPartitionAnchor(utcMonth(2021, 6))).toBe('2021-07-01');
    expect(accessLogPartitionAnchor(utcMonth(2024, 2))).toBe('2024-03-01');
  });

  it('keeps December for the row logged at 00:30 on 1 January in Stockholm, until its five years are out', () => {
    const row = stockholmInstant('2021-01-01', '00:30');
    // The row is December's by UTC: 23:30 on 31 December.
    expect(row.toISOString()).toBe('2020-12-31T23:30:00.000Z');
    const anchor = accessLogPartitionAnchor(utcMonth(2020, 12));
    expect(isDue(anchor, FIVE_YEARS, '2026-01-01')).toBe(false);
    expect(isDue(stockholmDate(row), FIVE_YEARS, '2026-01-01')).toBe(false);
    expect(isDue(anchor, FIVE_YEARS, '2026-01-02')).toBe(true);
  });

  // Any instant, and (where the old anchor, the month's last day, was wrong) the last three
  // hours of a UTC month.
  const instants = fc.oneof(
    fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2060-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    }),
    fc
      .tuple(
        fc.integer({ min: 2000, max: 2060 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 * 3_600_000 }),
      )
      .map(([year, month, msBeforeEnd]) => new Date(Date.UTC(year, month, 1) - msBeforeEnd)),
  );

  it('is never before the Stockholm day of any instant in the partition', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 0, max: 1200 }),
        fc.integer({ min: 0, max: 400 }),
        (instant, months, days) => {
          const partition = utcMonth(instant.getUTCFullYear(), instant.getUTCMonth() + 1);
          const anchor = accessLogPartitionAnchor(partition);
          const own = stockholmDate(instant);
          expect(anchor >= own).toBe(true);
          // Whenever the partition is due, every row in it is due by its own Stockholm day.
          const rule = { months, days };
          for (const asOf of [anchor, own]) {
            if (isDue(anchor, rule, asOf)) expect(isDue(own, rule, asOf)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
