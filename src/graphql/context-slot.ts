import type { Context } from './context.js';

/**
 * Per-request state (memos, loaders) kept on the request's context object itself, under a
 * symbol of its own, so that it dies with the request.
 *
 * Not in a module-level WeakMap keyed by the context. V8's young-generation collector (the
 * scavenger) treats the value of every entry of a WeakMap that has itself outlived a
 * collection as alive, however dead the entry's key: only a full collection looks at the
 * keys. A module's WeakMap is that old at once, so each request's field-guard memo, loaders
 * and loaded rows outlived it: copied at every scavenge, promoted to the old generation, and
 * freed only by the next full collection. With Pothos' own per-request caches, which
 * patches/ moves onto the context the same way, that was four fifths of what a scavenge
 * copied between requests at a steady load (2.2 of 2.8 MB), and most of its pause
 * (docs/performance.md). test/unit/graphql/context-slot.test.ts shows the difference.
 */
export interface ContextSlot<T> {
  get(ctx: Context): T | undefined;
  set(ctx: Context, value: T): T;
}

export function contextSlot<T>(name: string): ContextSlot<T> {
  const key = Symbol(name);
  const holder = (ctx: Context) => ctx as unknown as Record<symbol, T | undefined>;
  return {
    get: (ctx) => holder(ctx)[key],
    set: (ctx, value) => {
      holder(ctx)[key] = value;
      return value;
    },
  };
}
