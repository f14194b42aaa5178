import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Young-generation collections (scavenges) taken while the API is idle rather than in the
 * middle of a request.
 *
 * A scavenge stops the process for as long as it takes to copy what is still alive in the
 * young generation. Under load, that is the request in flight: for the 50-case list about
 * 4.5 MB, 13 ms on average and up to 25 ms with the 64 MiB young generation
 * (src/young-generation.ts), and the request that meets it answers that much later. At a
 * steady, moderate load one list request in twenty met one, which made the slowest percent
 * of requests (docs/performance.md, "the paced tail"). With no request running, little
 * young is alive (0.55 MB, once per-request state dies with the request:
 * patches/README.md), and the same collection takes under 3 ms.
 *
 * So when the last running request has ended and the young generation is at least half
 * full, the API collects it there and then, before a request has to. Half: an idle moment
 * at a moderate load comes every request or two, and a 50-case list allocates a few MiB,
 * so the half left holds what runs until the next idle moment; lower would collect more
 * often for nothing. Under a saturating load the API is never idle and V8 collects as it
 * always does; nothing is added there.
 *
 * V8 gives JavaScript a way to start a collection only when node runs with `--expose-gc`
 * (`npm start` passes it, as the Dockerfile's NODE_OPTIONS does). Without it the API runs
 * as before and says so at start (src/main.ts).
 */
export const EXPOSE_GC_FLAG = '--expose-gc';

/** The fraction of the young generation in use at which an idle moment collects it. */
export const IDLE_SCAVENGE_FULLNESS = 0.5;

/** The collector V8 exposes under --expose-gc, taken when this module loads. */
const collector = globalThis.gc;

/** Whether this process can start a young-generation collection (node ran with --expose-gc). */
export function idleScavengeAvailable(): boolean {
  return collector !== undefined;
}

/** How full V8's young generation is, from 0 to 1. */
export function youngGenerationFullness(): number {
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space') continue;
    const capacity = space.space_used_size + space.space_available_size;
    return capacity > 0 ? space.space_used_size / capacity : 0;
  }
  return 0;
}

export interface IdleScavengeOptions {
  /** Whether a request is running now (src/http/running-requests.ts). */
  busy: () => boolean;
  /** Starts a young-generation collection (the default: V8's, under --expose-gc). */
  collect?: () => void;
  fullness?: () => number;
  /** Told of each collection taken. */
  collected?: () => void;
}

/**
 * Returns what to call each time the last running request has ended. The check waits for
 * the event loop's next turn (setImmediate), so that the answer just sent is written out
 * first and a request that arrived meanwhile is seen as running. `undefined` when this
 * process cannot collect.
 */
export function idleScavenger(options: IdleScavengeOptions): (() => void) | undefined {
  const collect = options.collect ?? (collector ? () => collector({ type: 'minor' }) : undefined);
  if (!collect) return undefined;
  const fullness = options.fullness ?? youngGenerationFullness;
  let pending = false;
  const check = () => {
    pending = false;
    if (options.busy() || fullness() < IDLE_SCAVENGE_FULLNESS) return;
    collect();
    options.collected?.();
  };
  return () => {
    if (pending) return;
    pending = true;
    setImmediate(check);
  };
}
