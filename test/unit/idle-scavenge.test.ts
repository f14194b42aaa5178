import { describe, expect, it } from 'vitest';
import {
  IDLE_SCAVENGE_FULLNESS,
  idleScavenger,
  youngGenerationFullness,
} from '../../src/idle-scavenge.js';

/** The event loop's next turn, where the scavenger makes its check. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function scavenger(state: { busy: boolean; fullness: number }) {
  const seen = { collections: 0, told: 0 };
  const idle = idleScavenger({
    busy: () => state.busy,
    fullness: () => state.fullness,
    collect: () => {
      seen.collections += 1;
    },
    collected: () => {
      seen.told += 1;
    },
  })!;
  return { idle, seen };
}

describe('idleScavenger', () => {
  it('collects at an idle moment once the young generation is half full, and says so', async () => {
    const state = { busy: false, fullness: IDLE_SCAVENGE_FULLNESS };
    const { idle, seen } = scavenger(state);
    idle();
    expect(seen.collections, 'not before the answer is written out').toBe(0);
    await nextTurn();
    expect(seen).toEqual({ collections: 1, told: 1 });
  });

  it('leaves a young generation less than half full to V8', async () => {
    const state = { busy: false, fullness: IDLE_SCAVENGE_FULLNESS - 0.01 };
    const { idle, seen } = scavenger(state);
    idle();
    await nextTurn();
    expect(seen.collections).toBe(0);
  });

  it('does not collect when a request arrived before the check', async () => {
    const state = { busy: false, fullness: 0.9 };
    const { idle, seen } = scavenger(state);
    idle();
    state.busy = true;
    await nextTurn();
    expect(seen.collections).toBe(0);
    // The next idle moment checks again.
    state.busy = false;
    idle();
    await nextTurn();
    expect(seen.collections).toBe(1);
  });

  it('checks once for idle moments that come before its check', async () => {
    const state = { busy: false, fullness: 0.9 };
    const { idle, seen } = scavenger(state);
    idle();
    idle();
    idle();
    await nextTurn();
    await nextTurn();
    expect(seen.collections).toBe(1);
  });
});

describe('youngGenerationFullness', () => {
  it("reads V8's young generation as a fraction", () => {
    const fullness = youngGenerationFullness();
    expect(fullness).toBeGreaterThan(0);
    expect(fullness).toBeLessThanOrEqual(1);
  });
});
