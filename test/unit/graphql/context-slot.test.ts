import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../../src/graphql/context.js';
import { contextSlot } from '../../../src/graphql/context-slot.js';

const run = promisify(execFile);

/** What the first young collection after a request kept of its state, in MB (test/support/scavenge-survival.ts). */
async function survivedMb(store: string): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/support/scavenge-survival.ts', store],
    { timeout: 60_000 },
  );
  return Number(stdout.trim());
}

describe('contextSlot', () => {
  it('keeps one value per context, each context its own', () => {
    const slot = contextSlot<string>('test');
    const first = {} as Context;
    const second = {} as Context;
    expect(slot.get(first)).toBeUndefined();
    expect(slot.set(first, 'a')).toBe('a');
    expect(slot.get(first)).toBe('a');
    expect(slot.get(second)).toBeUndefined();
    // Two slots on one context do not meet.
    expect(contextSlot<string>('test').get(first)).toBeUndefined();
  });
});

/**
 * Why per-request state lives on the context: a module's WeakMap keeps a request's values
 * through the next young-generation collection however dead its key (about 4 MB of them
 * here); the context slot, and Pothos' context caches and path keys as patches/ leaves them,
 * keep nothing once the request is gone.
 */
describe("per-request state at V8's young-generation collection", () => {
  it('outlives the request in a module WeakMap (why the slots exist)', async () => {
    expect(await survivedMb('module WeakMap')).toBeGreaterThan(2);
  });

  it.each(['context slot', 'Pothos context cache', 'selection-mapper path keys'])(
    '%s: dies with the request',
    async (store) => {
      expect(await survivedMb(store)).toBeLessThan(0.25);
    },
  );
});
