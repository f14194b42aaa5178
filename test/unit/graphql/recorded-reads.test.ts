import { createContextCache } from '@pothos/core';
import { describe, expect, it } from 'vitest';
import { ReadRecorder, readHolds } from '../../../src/graphql/recorded-reads.js';

/**
 * The stand-ins a kept plan is made with (src/graphql/plan-cache.ts): every read a list
 * can repeat is written down with what it found, and everything else makes the record
 * opaque, so the plan is used once and not kept.
 */
const context = () => ({
  requestId: 'r1',
  actor: { hsaId: 'SE1', organizationId: 'org-a', unitId: 'unit-1' },
  principal: null as null | { roles: string[] },
  now: () => new Date(0),
  redactions: [] as string[],
  started: new Date(0),
});

describe('a recorded read of the context', () => {
  it('writes down each path read with what it found, and holds only where the same is found', () => {
    const recorder = new ReadRecorder();
    const seen = recorder.context(context());
    expect(seen.actor.organizationId).toBe('org-a');
    expect(seen.principal).toBeNull();
    // Read again: recorded once.
    expect(seen.actor.organizationId).toBe('org-a');
    recorder.finish();
    expect(recorder.opaque).toBeNull();
    expect(recorder.reads).toEqual([
      { from: 'context', path: ['actor'], found: 'plain object' },
      { from: 'context', path: ['actor', 'organizationId'], found: { primitive: 'org-a' } },
      { from: 'context', path: ['principal'], found: { primitive: null } },
    ]);

    const holds = (c: object) => recorder.reads.every((r) => readHolds(r, c, {}));
    expect(holds(context())).toBe(true);
    // What was not read may differ.
    expect(
      holds({ ...context(), requestId: 'r2', actor: { ...context().actor, hsaId: 'SE2' } }),
    ).toBe(true);
    expect(holds({ ...context(), actor: { ...context().actor, organizationId: 'org-b' } })).toBe(
      false,
    );
    expect(holds({ ...context(), actor: null })).toBe(false);
    expect(holds({ ...context(), principal: { roles: [] } })).toBe(false);
    // A plain object where one was read, but not a class instance standing in for it.
    class Actor {
      organizationId = 'org-a';
    }
    expect(holds({ ...context(), actor: new Actor() })).toBe(false);
  });

  it('is opaque once a function, an array, a built-in object or a symbol is read', () => {
    const cases: [string, (c: ReturnType<typeof context>) => unknown][] = [
      ['context.now is a function', (c) => c.now()],
      ['context.redactions is a built-in or class object', (c) => c.redactions.length],
      ['context.started is a built-in or class object', (c) => c.started],
      [
        'a symbol read of the context',
        (c) => (c as unknown as Record<symbol, unknown>)[Symbol.iterator],
      ],
    ];
    for (const [why, read] of cases) {
      const recorder = new ReadRecorder();
      read(recorder.context(context()));
      expect(recorder.opaque).toBe(why);
    }
  });

  it('is opaque when keys are listed, tested with `in`, or written', () => {
    const uses: ((c: Record<string, unknown>) => unknown)[] = [
      (c) => Object.keys(c),
      (c) => 'actor' in c,
      (c) => ({ ...(c.actor as object) }),
      (c) => {
        c.requestId = 'changed';
      },
      (c) => delete c.requestId,
    ];
    for (const use of uses) {
      const recorder = new ReadRecorder();
      use(recorder.context(context()) as unknown as Record<string, unknown>);
      expect(recorder.opaque).not.toBeNull();
    }
  });

  it("gives Pothos' per-request caches a holder of the recording's own, without recording it", () => {
    const key = Symbol.for('Pothos.contextCache');
    const requestCaches = {};
    const request = { ...context(), [key]: requestCaches };
    const recorder = new ReadRecorder();
    const seen = recorder.context(request);
    const holder = (seen as Record<symbol, unknown>)[key];
    expect(holder).toEqual({});
    expect(holder).not.toBe(requestCaches);
    expect((seen as Record<symbol, unknown>)[key], 'the same holder every time').toBe(holder);
    // A Pothos cache made while planning is the planning's: the request makes its own.
    const made: unknown[] = [];
    const cache = createContextCache((ctx: object) => {
      made.push(ctx);
      return { for: made.length };
    });
    expect(cache(seen)).toBe(cache(seen));
    expect(cache(request)).not.toBe(cache(seen));
    expect(recorder.opaque).toBeNull();
    expect(made).toHaveLength(2);
    expect(made[0] === seen && made[1] === request).toBe(true);
    expect(recorder.reads).toEqual([]);
  });

  it('answers nothing once finished, so a kept result cannot read the request later', () => {
    const recorder = new ReadRecorder();
    const seen = recorder.context(context());
    const actor = seen.actor;
    recorder.finish();
    expect(() => seen.requestId).toThrow(TypeError);
    expect(() => actor.organizationId).toThrow(TypeError);
  });
});

describe('a recorded read of the variables', () => {
  it('tells a variable given from one left out, and compares values as JSON', () => {
    const recorder = new ReadRecorder();
    const variables = recorder.variables({ first: 3, filter: { statuses: ['OPEN'] } });
    expect(variables.first).toBe(3);
    expect(Object.hasOwn(variables, 'after')).toBe(false);
    expect(variables.filter).toEqual({ statuses: ['OPEN'] });
    recorder.finish();
    expect(recorder.opaque).toBeNull();
    const holds = (v: Record<string, unknown>) => recorder.reads.every((r) => readHolds(r, {}, v));
    expect(holds({ first: 3, filter: { statuses: ['OPEN'] }, id: 'other' })).toBe(true);
    expect(holds({ first: 4, filter: { statuses: ['OPEN'] } })).toBe(false);
    expect(holds({ first: 3, filter: { statuses: ['CLOSED'] } })).toBe(false);
    expect(holds({ first: 3, filter: { statuses: ['OPEN'] }, after: null })).toBe(false);
    expect(holds({ first: '3', filter: { statuses: ['OPEN'] } })).toBe(false);
  });

  it('is opaque when the variables are listed or a value has no JSON form', () => {
    const listed = new ReadRecorder();
    Object.keys(listed.variables({ a: 1 }));
    expect(listed.opaque).not.toBeNull();
    const big = new ReadRecorder();
    expect(big.variables({ n: 1n }).n).toBe(1n);
    expect(big.opaque).toBe('variable n has no JSON form');
  });
});
