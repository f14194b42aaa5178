/**
 * What bench:ab makes of its pairs: each pair ran the base and the head at the same time,
 * so a change of the machine's speed (this machine's drifts by a third within minutes)
 * moves both sides of a pair alike, and the pair's ratio is what carries over.
 */

/** One run's line from bench-scale-cpu (the fields bench:ab reads). */
export interface ScaleCpuLine {
  label: string;
  requests: number;
  requestsPerSecond: number;
  failed: number;
  nodeCpuMsPerRequest: number;
}

export interface AbPair {
  /** Which side was started first: the other follows at once. */
  first: 'base' | 'head';
  base: ScaleCpuLine;
  head: ScaleCpuLine;
}

/** A line of JSON, or null for anything else the run printed (a log line, a stack). */
function parsedLine(text: string): ScaleCpuLine | null {
  if (!text.startsWith('{')) return null;
  try {
    return JSON.parse(text) as ScaleCpuLine;
  } catch {
    return null;
  }
}

/** The scenario's line among a bench-scale-cpu run's output; an error when it is missing or failed. */
export function scaleCpuLine(output: string, scenario: string): ScaleCpuLine {
  const line = output
    .split('\n')
    .map(parsedLine)
    .find((l) => l?.label === `(${scenario}) round 1`);
  if (!line) throw new Error(`no (${scenario}) line in the run's output:\n${output.slice(-2000)}`);
  if (line.failed > 0) throw new Error(`(${scenario}): ${line.failed} of ${line.requests} failed`);
  return line;
}

/** head / base − 1: negative when the head needs less. */
export const change = (base: number, head: number) => head / base - 1;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const percent = (x: number) => `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

/** The pairs as a markdown table, and the median change of CPU per request and of throughput. */
export function abReport(pairs: readonly AbPair[]): string {
  const cpu = pairs.map((p) => change(p.base.nodeCpuMsPerRequest, p.head.nodeCpuMsPerRequest));
  const rate = pairs.map((p) => change(p.base.requestsPerSecond, p.head.requestsPerSecond));
  const rows = pairs.map(
    (p, i) =>
      `| ${i + 1} | ${p.first} | ${p.base.nodeCpuMsPerRequest} | ${p.head.nodeCpuMsPerRequest} | ${percent(cpu[i]!)} | ${p.base.requestsPerSecond} | ${p.head.requestsPerSecond} | ${percent(rate[i]!)} |`,
  );
  return [
    '| pair | started first | base node CPU ms/request | head | change | base req/s | head req/s | change |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Median change: node CPU per request ${percent(median(cpu))} (pairs ${percent(Math.min(...cpu))} to ${percent(Math.max(...cpu))}), throughput ${percent(median(rate))}.`,
  ].join('\n');
}
