import type { LoadResult } from './load.js';

/**
 * What both load runners (load.ts with autocannon, paced-load.ts) make of their answers:
 * whether one failed although its status says success, and the run's summary.
 */

/** The default failure test: GraphQL errors arrive with status 200. */
export const graphqlError = (_status: number, body: string) => body.includes('"errors"');

/** The requests that failed whatever their status: socket errors, timeouts, GraphQL errors. */
export function failedBesidesStatus(r: LoadResult): number {
  return r.errors + r.timeouts + r.graphqlErrors;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A run's result from its response times (ms), its failure counts and its request count. */
export function summarize(
  times: readonly number[],
  seconds: number,
  counts: Pick<LoadResult, 'non2xx' | 'errors' | 'timeouts' | 'graphqlErrors'>,
  requests: number = times.length,
): LoadResult {
  const sorted = Float64Array.from(times).sort();
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests,
    seconds,
    requestsPerSecond: round(requests / seconds),
    latencyMs: {
      mean: round(mean),
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.at(-1) ?? 0),
    },
    ...counts,
  };
}
