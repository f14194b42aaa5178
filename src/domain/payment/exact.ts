/**
 * Exact arithmetic for money and days. Amounts are whole öre; days of the average model
 * are exact rationals (16 days over 3 stays is 16/3, not 5.33) until they are priced. The
 * one rounding step is at the very end, from an exact amount in öre to whole öre, by
 * half-up rounding away from zero (avrundning enligt handelsbruk): 0.5 öre and more goes
 * up, less goes down, and a credit is always the exact mirror of its charge. Banker's
 * rounding would make the same figure round differently depending on the öre before it,
 * which a municipality checking the invoice by hand cannot follow; half-up is what a
 * person with a calculator does. See docs/money.md.
 *
 * The rationals are fraction.js (BigInt numerators and denominators, so nothing overflows).
 */
import Fraction from 'fraction.js';

export { Fraction };

/** Whole öre from an exact amount in öre: the one rounding step, half-up away from zero. */
export function roundOre(exactOre: Fraction): number {
  const n = exactOre.n;
  const d = exactOre.d;
  // |n|/d + 1/2, floored: half-up on the magnitude, the sign put back afterwards.
  const magnitude = (2n * n + d) / (2n * d);
  return Number(exactOre.s < 0n ? -magnitude : magnitude);
}

/** Öre of a price per day given in SEK with at most two decimals (validated agreements). */
export function oreOfPrice(pricePerDaySek: number): number {
  return roundOre(new Fraction(pricePerDaySek.toFixed(2)).mul(100));
}

/** An exact rational from a decimal number as written ("2.25" is 9/4, never 2.2499…). */
export function exactDecimal(value: number): Fraction {
  return new Fraction(String(value));
}

/** Days × price per day, priced exactly and rounded once to öre. */
export function priceDays(days: Fraction, pricePerDaySek: number): number {
  return roundOre(days.mul(oreOfPrice(pricePerDaySek)));
}

/** A rational for people: "10/3 (≈ 3.33)", or "2" when whole. */
export function describeDays(days: Fraction): string {
  return days.d === 1n
    ? days.toFraction()
    : `${days.toFraction()} (≈ ${days.valueOf().toFixed(2)})`;
}
