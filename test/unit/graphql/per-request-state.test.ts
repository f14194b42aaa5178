import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createContextCache } from '@pothos/core';
import { describe, expect, it } from 'vitest';

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

/**
 * Pothos' per-request cache, which holds the API's own per-request state too (the field
 * guard's memo, the row and case-state loaders), as patches/@pothos+core+4.15.1.patch
 * leaves it: the entries on the context, out of sight of anything that lists or copies it.
 */
describe("Pothos' per-request cache", () => {
  it('keeps one entry per context and cache, on the context, not listed or spread', () => {
    let made = 0;
    const cache = createContextCache(() => ({ made: ++made }));
    const other = createContextCache(() => 'other');
    const first = { requestId: 'a' };
    const second = { requestId: 'b' };
    expect(cache(first)).toBe(cache(first));
    expect(cache(second)).not.toBe(cache(first));
    expect(other(first)).toBe('other');
    expect(made).toBe(2);
    expect(Object.keys(first)).toEqual(['requestId']);
    expect(JSON.stringify(first)).toBe('{"requestId":"a"}');
    // A copy made by spreading the context gets caches of its own, as with the WeakMap.
    expect(cache({ ...first })).toEqual({ made: 3 });
    cache.delete(first);
    expect(cache(first)).toEqual({ made: 4 });
  });

  it('keeps a frozen context working, in the WeakMap', () => {
    const cache = createContextCache(() => ({}));
    const frozen = Object.freeze({ requestId: 'c' });
    expect(cache(frozen)).toBe(cache(frozen));
  });
});

/**
 * Why per-request state must not sit in a long-lived WeakMap: a module's WeakMap keeps a
 * request's values through the next young-generation collection however dead its key
 * (about 4 MB of them here); Pothos' context caches and path keys as patches/ leaves them
 * keep nothing once the request is gone.
 */
describe("per-request state at V8's young-generation collection", () => {
  it('outlives the request in a module WeakMap (why the patches exist)', async () => {
    expect(await survivedMb('module WeakMap')).toBeGreaterThan(2);
  });

  it.each(['Pothos context cache', 'selection-mapper path keys'])(
    '%s: dies with the request',
    async (store) => {
      expect(await survivedMb(store)).toBeLessThan(0.25);
    },
  );
});
