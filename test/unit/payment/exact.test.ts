import { describe, expect, it } from 'vitest';
import {
  describeDays,
  exactDecimal,
  Fraction,
  oreOfPrice,
  priceDays,
  roundOre,
} from '../../../src/domain/payment/exact.js';

describe('the one rounding step: half-up, away from zero, to whole öre', () => {
  it('rounds exact amounts in öre as a person with a calculator does', () => {
    expect(roundOre(new Fraction(1, 2))).toBe(1);
    expect(roundOre(new Fraction(3, 2))).toBe(2); // banker's rounding would give 2 too
    expect(roundOre(new Fraction(5, 2))).toBe(3); // … but 2 here: half-up is not banker's
    expect(roundOre(new Fraction(49, 100))).toBe(0);
    expect(roundOre(new Fraction(10, 3))).toBe(3);
    expect(roundOre(new Fraction(-5, 2))).toBe(-3); // a credit mirrors its charge
    expect(roundOre(new Fraction(-10, 3))).toBe(-3);
    expect(roundOre(new Fraction(0))).toBe(0);
  });

  it('prices exact days: (16/3 − 2) × 9 300 SEK = 31 000.00 SEK', () => {
    expect(priceDays(new Fraction(16, 3).sub(2), 9300)).toBe(3_100_000);
    // Rounding the days first, as before, loses 31 SEK.
    expect(priceDays(new Fraction('3.33'), 9300)).toBe(3_096_900);
  });

  it('reads prices and agreed levels exactly as written', () => {
    expect(oreOfPrice(0.29)).toBe(29); // 0.29 × 100 is 28.999999999999996 in floating point
    expect(oreOfPrice(9300)).toBe(930_000);
    expect(exactDecimal(2.25).toFraction()).toBe('9/4');
    expect(exactDecimal(0.1).toFraction()).toBe('1/10');
    expect(describeDays(new Fraction(10, 3))).toBe('10/3 (≈ 3.33)');
    expect(describeDays(new Fraction(4))).toBe('4');
  });
});
