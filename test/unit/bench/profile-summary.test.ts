import { describe, expect, it } from 'vitest';
import {
  type CpuProfile,
  type HeapProfileNode,
  originOf,
  shareTable,
  summarizeCpu,
  summarizeHeap,
} from '../../../scripts/bench/profile-summary.js';

const root = '/work/brygga';
const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe('originOf', () => {
  it.each([
    ['file:///work/brygga/node_modules/graphql/execution/execute.js', 'graphql'],
    ['/work/brygga/node_modules/@pothos/selection-mapper/esm/walk.js', '@pothos/selection-mapper'],
    // A nested copy is named for itself, not for the package that pulled it in.
    ['/work/brygga/node_modules/@prisma/client/node_modules/pg/lib/client.js', 'pg'],
    ['file:///work/brygga/src/graphql/field-guard.ts', 'src/graphql'],
    ['file:///work/brygga/scripts/bench/load.ts', 'scripts/bench'],
    ['node:internal/buffer', 'node:internal/buffer'],
    ['wasm://wasm/00d1cb12', 'wasm'],
    ['file:///elsewhere/tool.js', 'file:///elsewhere/tool.js'],
  ])('%s is %s', (url, origin) => {
    expect(originOf(frame('f', url), root)).toBe(origin);
  });

  it("keeps V8's pseudo-frames and calls a script-less function native", () => {
    expect(originOf(frame('(garbage collector)', ''), root)).toBe('(garbage collector)');
    expect(originOf(frame('writev', ''), root)).toBe('(native)');
  });
});

describe('summarizeCpu', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('executeField', '/work/brygga/node_modules/graphql/e.js', 701) },
      // The same function reached by another stack: one row, its time summed.
      { id: 4, callFrame: frame('executeField', '/work/brygga/node_modules/graphql/e.js', 701) },
      { id: 5, callFrame: frame('record', 'file:///work/brygga/src/graphql/field-guard.ts') },
    ],
    samples: [2, 3, 4, 5, 3, 2],
    timeDeltas: [4000, 1000, 2000, 1000, 1000, 4000],
  };

  it('ranks self time per function and origin, as shares of the busy time', () => {
    const summary = summarizeCpu(profile, root);
    expect(summary.idleMs).toBe(8);
    expect(summary.busyMs).toBe(5);
    expect(summary.functions).toEqual([
      { name: 'executeField graphql/e.js:702', amount: 4, share: 0.8 },
      { name: 'record src/graphql/field-guard.ts', amount: 1, share: 0.2 },
    ]);
    expect(summary.origins.map((o) => [o.name, o.amount])).toEqual([
      ['graphql', 4],
      ['src/graphql', 1],
    ]);
  });

  it('keeps only the top rows asked for', () => {
    expect(summarizeCpu(profile, root, 1).functions.map((f) => f.amount)).toEqual([4]);
  });
});

describe('summarizeHeap', () => {
  const node = (
    name: string,
    url: string,
    selfSize: number,
    children: HeapProfileNode[] = [],
  ): HeapProfileNode => ({ callFrame: frame(name, url), selfSize, children });

  it('sums what each function allocated over the whole tree', () => {
    const head = node('(root)', '', 0, [
      node('executeFields', '/work/brygga/node_modules/graphql/e.js', 3000, [
        node('resolve', 'file:///work/brygga/src/graphql/types/case.ts', 500),
      ]),
      node('executeFields', '/work/brygga/node_modules/graphql/e.js', 1000),
      node('(V8 API)', '', 500),
    ]);
    const summary = summarizeHeap({ head }, root);
    expect(summary.bytes).toBe(5000);
    expect(summary.functions[0]).toEqual({
      name: 'executeFields graphql/e.js',
      amount: 4000,
      share: 0.8,
    });
    expect(Object.fromEntries(summary.origins.map((o) => [o.name, o.amount]))).toEqual({
      graphql: 4000,
      'src/graphql': 500,
      '(V8 API)': 500,
    });
  });
});

describe('shareTable', () => {
  it('shows each row per request, in ms or in kB, with pipes escaped', () => {
    const rows = [{ name: 'a|b', amount: 30, share: 0.25 }];
    expect(shareTable('function', rows, 10, 'ms')).toBe(
      '| share | ms per request | function |\n|---|---|---|\n| 25.0 % | 3.000 | a\\|b |',
    );
    expect(shareTable('function', [{ name: 'f', amount: 20_000, share: 1 }], 10, 'kB')).toContain(
      '| 100.0 % | 2.0 | f |',
    );
  });
});
