/**
 * Cost sharing (issue 15): splitting a total in öre by weights (population, users) and the
 * system cost's shares with residents without a district, caps over the run and over a
 * contract period, and rates derived from a cap. Whatever the figures: the parts sum to
 * the total (or, with caps, the parts and what the region bears do), each part is within
 * one öre of its exact share, equal remainders go to the lowest HSA-ID, and no debtor
 * ever passes a cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateByHsaId,
  type PopulationEntry,
  shareSystemCost,
} from '../../../src/invoicing/cost-shares.js';

const hsa = (i: number) => `SE2120000000-D${String(i).padStart(3, '0')}`;

describe('cost-sharing parts', () => {
  it('always sum to the total, each within one öre of its exact share, ties to the lowest HSA-ID', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          // Keys in reverse HSA-ID order, so the tie rule cannot lean on input order.
          const entries = weights
            .map((w, i) => ({ key: `org-${i}`, hsaId: hsa(i), weight: w }))
            .reverse();
          const { parts, roundedUp } = allocateByHsaId(total, entries);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect([...parts.values()].reduce((a, b) => a + b, 0)).toBe(total);
          weights.forEach((w, i) => {
            const part = parts.get(`org-${i}`)!;
            expect(Number.isInteger(part)).toBe(true);
            expect(Math.abs(part - (total * w) / sum)).toBeLessThan(1);
          });
          // Of two equal weights, the lower HSA-ID never gets less.
          weights.forEach((w, i) => {
            weights.forEach((v, j) => {
              if (i < j && w === v) {
                expect(parts.get(`org-${i}`)!).toBeGreaterThanOrEqual(parts.get(`org-${j}`)!);
              }
            });
          });
          // One öre to each of the shares rounded up, and only as many as were left over.
          const floors = weights.reduce(
            (s, w) => s + (BigInt(total) * BigInt(w)) / BigInt(sum),
            0n,
          );
          expect(BigInt(roundedUp.size)).toBe(BigInt(total) - floors);
        },
      ),
      { numRuns: 500 },
    );
  });

  const figures = fc
    .record({
      districts: fc.array(fc.integer({ min: 1, max: 900_000 }), { minLength: 1, maxLength: 12 }),
      others: fc.array(fc.integer({ min: 1, max: 900_000 }), { maxLength: 6 }),
      withoutDistrict: fc.integer({ min: 0, max: 50_000 }),
    })
    .map(({ districts, others, withoutDistrict }) => {
      const entries: PopulationEntry[] = [
        {
          organizationId: 'stad',
          hsaId: 'SE2120001439-0001',
          name: 'Stockholms stad',
          parentId: null,
          population: withoutDistrict,
        },
        ...districts.map((population, i) => ({
          organizationId: `district-${i}`,
          hsaId: hsa(i),
          name: `District ${i}`,
          parentId: 'stad',
          population,
        })),
        ...others.map((population, i) => ({
          organizationId: `kommun-${i}`,
          hsaId: `SE21200001${String(i).padStart(2, '0')}-0001`,
          name: `Kommun ${i}`,
          parentId: null,
          population,
        })),
      ];
      return entries;
    });

  it('share the system cost so that the parts and what the region bears sum to the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        figures,
        fc.constantFrom('PROPORTIONAL' as const, 'EQUAL' as const),
        fc.option(fc.integer({ min: 1, max: 1_000_000_000 })),
        fc.option(
          fc.record({
            cap: fc.integer({ min: 1, max: 100_000_000 }),
            months: fc.integer({ min: 1, max: 120 }),
            before: fc.integer({ min: 0, max: 100_000_000 }),
            rateMonths: fc.option(fc.integer({ min: 1, max: 24 })),
          }),
        ),
        (amount, entries, unassigned, capPerDebtor, contract) => {
          const result = shareSystemCost(
            {
              amount,
              populationYear: 2026,
              capPerDebtor,
              contract:
                contract === null
                  ? null
                  : {
                      name: 'Avtal',
                      cap: contract.cap,
                      months: contract.months,
                      invoicedBefore: new Map([['district-0', contract.before]]),
                    },
              rateFromCapMonths: contract?.rateMonths ?? null,
              unassigned,
            },
            entries,
          );
          if (!result.ok) throw new Error(result.message);
          const parts = result.lines.map((l) => l.amount);
          // Every resident is someone's: the municipality's own figure is spread, not billed.
          expect(result.lines.map((l) => l.organizationId)).not.toContain('stad');
          expect(parts.reduce((a, b) => a + b, 0) + result.regionBears).toBe(amount);
          expect(result.regionBears).toBeGreaterThanOrEqual(0);
          for (const line of result.lines) {
            expect(Number.isInteger(line.amount)).toBe(true);
            expect(line.amount).toBeGreaterThanOrEqual(0);
            if (capPerDebtor !== null) expect(line.amount).toBeLessThanOrEqual(capPerDebtor);
            if (contract !== null) {
              const before = line.organizationId === 'district-0' ? contract.before : 0;
              expect(line.amount).toBeLessThanOrEqual(Math.max(0, contract.cap - before));
            }
          }
          if (capPerDebtor === null && contract === null) expect(result.regionBears).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
