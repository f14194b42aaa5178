import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a V8 profile says, per function and per origin (a package, a directory of this
 * checkout, a Node module), as tables a note can quote: the CPU profile's self time and
 * the sampling heap profile's allocated bytes, each per request. The profiles are the
 * inspector's (`Profiler.stop`, `HeapProfiler.stopSampling`), the same shapes `node
 * --cpu-prof` and `--heap-prof` write, so DevTools opens the raw files as well.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** The node on top of the stack at each sample. */
  samples?: number[];
  /** µs since the sample before. */
  timeDeltas?: number[];
}

export interface HeapProfileNode {
  callFrame: CallFrame;
  /** Bytes allocated by this function (at this stack) and sampled. */
  selfSize: number;
  children: HeapProfileNode[];
}

export interface HeapProfile {
  head: HeapProfileNode;
}

/** One row of a summary: how much of the whole a function or an origin took. */
export interface Share {
  name: string;
  /** ms of self time, or bytes allocated. */
  amount: number;
  /** Of the busy time, or of all bytes. */
  share: number;
}

export interface CpuSummary {
  /** Sampled time with something on the thread (everything but `(idle)`), in ms. */
  busyMs: number;
  idleMs: number;
  functions: Share[];
  origins: Share[];
}

export interface HeapSummary {
  bytes: number;
  functions: Share[];
  origins: Share[];
}

const NODE_MODULES = `${sep}node_modules${sep}`;

/** The file a frame's url names: a file: URL or a path. */
const pathOf = (url: string) => (url.startsWith('file://') ? fileURLToPath(url) : url);

/** The path within the last node_modules it lies under (`@scope/name/…`), or null. */
function inPackages(path: string): string | null {
  const at = path.lastIndexOf(NODE_MODULES);
  return at >= 0 ? path.slice(at + NODE_MODULES.length) : null;
}

/**
 * Where a frame's code comes from: the package for anything under node_modules (the last
 * one, so a nested copy is named for itself), `src/graphql` and the like for this
 * checkout, the module for Node's own (`node:buffer`), and V8's pseudo-frames as they are
 * (`(garbage collector)`, `(program)`); a native function without a script is `(native)`.
 */
export function originOf(frame: Pick<CallFrame, 'url' | 'functionName'>, root: string): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  if (url.startsWith('wasm://')) return 'wasm';
  const path = pathOf(url);
  const packaged = inPackages(path);
  if (packaged !== null) {
    const [first, second] = packaged.split(sep);
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
  }
  const inside = relative(root, path);
  if (!inside.startsWith('..')) return inside.split(sep).slice(0, 2).join('/');
  return url;
}

/** A function as a reader finds it: its name, and its file and line within its origin. */
function functionOf(frame: CallFrame, root: string): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '' || frame.url.startsWith('node:')) return `${name} ${frame.url}`.trim();
  const path = pathOf(frame.url);
  const shown = inPackages(path) ?? relative(root, path);
  // Line 0: code a loader compiled as one line (tsx's src/), where a line would mislead.
  const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
  return `${name} ${shown.split(sep).join('/')}${line}`;
}

function ranked(amounts: Map<string, number>, whole: number, top: number): Share[] {
  return [...amounts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, amount]) => ({ name, amount, share: whole > 0 ? amount / whole : 0 }));
}

const add = (map: Map<string, number>, key: string, amount: number) =>
  map.set(key, (map.get(key) ?? 0) + amount);

/** Self time per function and per origin; shares are of the busy time (idle left out). */
export function summarizeCpu(profile: CpuProfile, root: string, top = 30): CpuSummary {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let busyMs = 0;
  let idleMs = 0;
  for (const [id, us] of selfUs) {
    const frame = frames.get(id)!;
    const ms = us / 1000;
    if (frame.url === '' && frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    add(functions, functionOf(frame, root), ms);
    add(origins, originOf(frame, root), ms);
  }
  return {
    busyMs,
    idleMs,
    functions: ranked(functions, busyMs, top),
    origins: ranked(origins, busyMs, top),
  };
}

/** Allocated bytes per function and per origin, over the whole sampled tree. */
export function summarizeHeap(profile: HeapProfile, root: string, top = 30): HeapSummary {
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let bytes = 0;
  const pending = [profile.head];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.selfSize > 0) {
      bytes += node.selfSize;
      add(functions, functionOf(node.callFrame, root), node.selfSize);
      add(origins, originOf(node.callFrame, root), node.selfSize);
    }
    pending.push(...node.children);
  }
  return { bytes, functions: ranked(functions, bytes, top), origins: ranked(origins, bytes, top) };
}

/**
 * A markdown table of shares, each also per request: `unit` 'ms' for self time, 'kB' for
 * bytes (amounts in bytes, shown in kB).
 */
export function shareTable(
  heading: string,
  rows: readonly Share[],
  requests: number,
  unit: 'ms' | 'kB',
): string {
  const per = (amount: number) =>
    unit === 'ms' ? (amount / requests).toFixed(3) : (amount / 1000 / requests).toFixed(1);
  const lines = rows.map(
    (r) =>
      `| ${(100 * r.share).toFixed(1)} % | ${per(r.amount)} | ${r.name.replaceAll('|', '\\|')} |`,
  );
  return [`| share | ${unit} per request | ${heading} |`, '|---|---|---|', ...lines].join('\n');
}
