import { describe, expect, it } from 'vitest';
import {
  type AbPair,
  abReport,
  change,
  type ScaleCpuLine,
  scaleCpuLine,
} from '../../../scripts/bench/ab-pairs.js';

const line = (scenario: string, cpu: number, rate: number, failed = 0): ScaleCpuLine => ({
  label: `(${scenario}) round 1`,
  requests: 100,
  requestsPerSecond: rate,
  failed,
  nodeCpuMsPerRequest: cpu,
});

describe('scaleCpuLine', () => {
  it("finds the scenario's line among the run's other output", () => {
    const output = [
      'analyzed access_log_partition.access_log_2026_12',
      '{ pool: 10,',
      JSON.stringify(line('b', 6.1, 160)),
      JSON.stringify(line('a', 21.5, 45)),
      '',
    ].join('\n');
    expect(scaleCpuLine(output, 'a')).toEqual(line('a', 21.5, 45));
  });

  it('refuses a run without the line, or with failed requests', () => {
    expect(() => scaleCpuLine('Error: no cases\n', 'a')).toThrow(/no \(a\) line/);
    expect(() => scaleCpuLine(JSON.stringify(line('a', 20, 40, 3)), 'a')).toThrow(
      /3 of 100 failed/,
    );
  });
});

describe('abReport', () => {
  const pair = (first: AbPair['first'], base: number, head: number): AbPair => ({
    first,
    base: line('a', base, 1000 / base),
    head: line('a', head, 1000 / head),
  });

  it('reports the median of the pairs’ changes, negative when the head needs less', () => {
    // −10 %, −20 %, +5 %: the median is −10 %, whatever the machine's speed in each pair.
    const report = abReport([pair('base', 20, 18), pair('head', 30, 24), pair('base', 20, 21)]);
    expect(report).toContain('| 2 | head | 30 | 24 | -20.0 % |');
    expect(report).toContain(
      'Median change: node CPU per request -10.0 % (pairs -20.0 % to +5.0 %), throughput +11.1 %.',
    );
  });

  it('takes the middle two’s mean for an even number of pairs', () => {
    expect(abReport([pair('base', 10, 9), pair('head', 10, 8)])).toContain(
      'node CPU per request -15.0 %',
    );
    expect(change(10, 9)).toBeCloseTo(-0.1);
  });
});
