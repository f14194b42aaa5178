/**
 * Run by test/unit/graphql/per-request-state.test.ts as `node --expose-gc --import tsx` (it needs
 * V8's collector): how much of one request's state a kind of per-request store lets survive
 * the first young-generation collection after the request is gone, that is, what that
 * collection copies (or promotes to the old generation). Measures the one store its
 * argument names, each in a process of its own (V8 starts allocating straight in the old
 * generation where objects keep surviving, which would carry over from one store to the
 * next), and prints the megabytes.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { createContextCache } from '@pothos/core';
import { cacheKey } from '@pothos/selection-mapper';

const collect = globalThis.gc;
if (!collect) throw new Error('run with node --expose-gc');

const used = (name: string) =>
  getHeapSpaceStatistics().find((space) => space.space_name === name)!.space_used_size;
/** The young and old generations' contents: a young collection's survivors go to either. */
const heapHeld = () => used('new_space') + used('old_space');

/** About 3 MB of small objects, as a request's memo or loaded rows are (linked: no large array). */
function requestState() {
  let rows: { i: number; row: string; next: unknown } | null = null;
  for (let i = 0; i < 50_000; i++) rows = { i, row: `row ${i}`, next: rows };
  return rows;
}

// Made before anything is measured and collected into the old generation, as a module's are.
const moduleWeakMap = new WeakMap<object, unknown>();
const pothosCache = createContextCache(() => requestState());

const stores: Record<string, () => void> = {
  'module WeakMap': () => {
    moduleWeakMap.set({}, requestState());
  },
  'Pothos context cache': () => {
    pothosCache({});
  },
  'selection-mapper path keys': () => {
    // graphql-js's path links of a 20 000-row list, each asked for its loader key.
    let path: { prev: unknown; key: string | number; typename: string } | undefined;
    const root = { prev: undefined, key: 'cases', typename: 'Query' };
    for (let i = 0; i < 20_000; i++) {
      path = {
        prev: { prev: root, key: i, typename: 'Case' },
        key: `field${i % 40}`,
        typename: 'Case',
      };
      cacheKey('Case', path as never);
    }
  },
};

/** Megabytes one young collection kept of a request's state, the request gone. */
function survived(request: () => void): number {
  collect!();
  const before = heapHeld();
  request();
  collect!({ type: 'minor' });
  return (heapHeld() - before) / 1e6;
}

const request = stores[process.argv[2] ?? ''];
if (!request) throw new Error(`name one of: ${Object.keys(stores).join(', ')}`);
// What a young collection keeps whatever the request did (the loader's own young objects),
// measured first: state nobody keeps dies, so nothing starts being allocated old.
const kept = (run: () => void) => {
  // Warmed first: the code and shapes the first run makes are not the request's state.
  survived(run);
  return Math.min(survived(run), survived(run));
};
const baseline = kept(() => requestState());
process.stdout.write(`${Math.max(0, kept(request) - baseline)}\n`);
