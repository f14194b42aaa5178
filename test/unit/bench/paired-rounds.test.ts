import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../../scripts/bench/load.js';
import {
  medianRound,
  type PairedRound,
  pairedRounds,
  ratioOf,
  tailRatioOf,
} from '../../../scripts/bench/paired-rounds.js';

/**
 * scripts/bench/paired-rounds.ts: the whole bench's (a) and (b) against PostGraphile, round
 * by round with the order alternating, and the round whose ratio is the median reported:
 * of the rates for (a) and (b), of the p99s for (a) at a fixed rate.
 */
const result = (requestsPerSecond: number) => ({ requestsPerSecond }) as LoadResult;
const pair = (brygga: number, postgraphile: number): PairedRound => ({
  brygga: result(brygga),
  postgraphile: result(postgraphile),
  first: 'brygga',
});

describe('pairedRounds', () => {
  it('runs one of each a round, the order alternating, and pairs what ran together', async () => {
    const order: string[] = [];
    let b = 0;
    let p = 0;
    const pairs = await pairedRounds(4, {
      brygga: async () => {
        order.push('brygga');
        return result(++b * 10);
      },
      postgraphile: async () => {
        order.push('postgraphile');
        return result(++p * 100);
      },
    });
    expect(order).toEqual([
      'brygga',
      'postgraphile',
      'postgraphile',
      'brygga',
      'brygga',
      'postgraphile',
      'postgraphile',
      'brygga',
    ]);
    expect(pairs.map((x) => x.first)).toEqual(['brygga', 'postgraphile', 'brygga', 'postgraphile']);
    expect(
      pairs.map((x) => [x.brygga.requestsPerSecond, x.postgraphile.requestsPerSecond]),
    ).toEqual([
      [10, 100],
      [20, 200],
      [30, 300],
      [40, 400],
    ]);
  });
});

describe('medianRound', () => {
  it('is the round with the median ratio, not the one with the median rates', () => {
    // Ratios 0.8, 1 and 0.5; Brygga's median rate (85) is the round of ratio 0.5.
    const rounds = [pair(80, 100), pair(90, 90), pair(85, 170)];
    expect(medianRound(rounds)).toBe(rounds[0]);
  });

  it('takes the lower middle of an even number of rounds', () => {
    const rounds = [pair(100, 100), pair(90, 100), pair(70, 100), pair(95, 100)];
    expect(ratioOf(medianRound(rounds))).toBe(0.9);
  });

  it('reads a round in which PostGraphile completed nothing as ratio 0, and refuses no rounds', () => {
    expect(ratioOf(pair(50, 0))).toBe(0);
    expect(() => medianRound([])).toThrow(/no rounds/);
  });
});

describe('tailRatioOf', () => {
  const paced = (brygga: number, postgraphile: number, bryggaRequests = 525): PairedRound => ({
    brygga: { requests: bryggaRequests, latencyMs: { p99: brygga } } as LoadResult,
    postgraphile: { requests: 525, latencyMs: { p99: postgraphile } } as LoadResult,
    first: 'postgraphile',
  });

  it("is PostGraphile's p99 over Brygga's: at least 1 when Brygga's tail is no worse", () => {
    expect(tailRatioOf(paced(40, 50))).toBe(1.25);
    expect(tailRatioOf(paced(50, 50))).toBe(1);
    expect(tailRatioOf(paced(100, 50))).toBe(0.5);
  });

  it('reads a round in which Brygga answered nothing as 0, never as a short tail', () => {
    expect(tailRatioOf(paced(0, 50, 0))).toBe(0);
  });

  it('picks the round whose p99 ratio is the median, not the one with the median p99', () => {
    // Ratios 1.25, 0.8 and 1.1; Brygga's median p99 (60) is the round of ratio 0.8.
    const rounds = [paced(40, 50), paced(60, 48), paced(100, 110)];
    expect(medianRound(rounds, tailRatioOf)).toBe(rounds[2]);
  });
});
