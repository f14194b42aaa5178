/**
 * Cost sharing splits a total in öre by weights (population, users): the parts always sum
 * to the total, and each part is within one öre of its exact share.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/invoicing/money.js';

describe('cost-sharing parts', () => {
  it('always sum to the total, each within one öre of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = allocate(total, new Map(weights.map((w, i) => [`org-${i}`, w])));
          const sum = weights.reduce((a, b) => a + b, 0);
          expect([...parts.values()].reduce((a, b) => a + b, 0)).toBe(total);
          weights.forEach((w, i) => {
            const part = parts.get(`org-${i}`)!;
            expect(Number.isInteger(part)).toBe(true);
            expect(Math.abs(part - (total * w) / sum)).toBeLessThan(1);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
