import cluster, { type Worker } from 'node:cluster';

/**
 * One API process per core (node:cluster). The primary does the once-only work — the
 * embedded database, migrations, the demo seed — then forks the workers, which share the
 * listening port (the primary hands out connections round-robin) and run the HTTP server
 * and nothing else. The scheduler runs in the first worker only: graphile-worker would be
 * safe with several runners, but one is all the monthly jobs need, and a restarted first
 * worker takes it up again.
 *
 * The API keeps no state between requests (self-contained tokens, per-request loaders),
 * so workers need no coordination beyond the database.
 */

/** Set in a worker's environment; main.ts runs the worker role when it is present. */
export const WORKER_SLOT_ENV = 'BRYGGA_WORKER_SLOT';

/** A worker that dies this soon after its start is crash-looping: give up instead. */
const CRASH_LOOP_MS = 10_000;

export interface Workers {
  /** Resolves once every worker listens. */
  ready: Promise<void>;
  /** Asks every worker to stop (each runs its own ordered shutdown) and waits for them. */
  stop(signal: NodeJS.Signals): Promise<boolean>;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_SLOT_ENV] !== undefined;
}

/** The worker's slot, 0 … count-1, stable across restarts of that slot. */
export function workerSlot(): number {
  return Number(process.env[WORKER_SLOT_ENV]);
}

/**
 * Forks `count` workers with `env` added to their environment. A worker that exits
 * unexpectedly is replaced; one that dies right after starting (crash loop, or a failed
 * start) is reported through `onFatal` instead, so a broken configuration stops the
 * service rather than forking forever.
 */
export function startWorkers(
  count: number,
  env: Record<string, string>,
  log: (line: string) => void,
  onFatal: (reason: string) => void,
): Workers {
  let stopping = false;
  const bySlot = new Map<number, Worker>();
  const exits = new Set<Promise<number>>();
  let listening = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const fork = (slot: number, first: boolean): void => {
    const worker = cluster.fork({ ...env, [WORKER_SLOT_ENV]: String(slot) });
    const startedAt = Date.now();
    bySlot.set(slot, worker);
    if (first) {
      worker.once('listening', () => {
        log(`API process ${worker.process.pid} (slot ${slot}) is listening`);
        listening += 1;
        if (listening === count) {
          log(`started ${count} API processes`);
          markReady();
        }
      });
    }
    const exit = new Promise<number>((resolve) => {
      worker.on('exit', (code, signal) => {
        exits.delete(exit);
        resolve(code ?? (signal ? 1 : 0));
        if (stopping) return;
        const reason = `API process ${worker.process.pid} (slot ${slot}) exited (${signal ?? `code ${code}`})`;
        if (Date.now() - startedAt < CRASH_LOOP_MS) {
          onFatal(`${reason} right after starting`);
          return;
        }
        log(`${reason}; starting a new one`);
        fork(slot, false);
      });
    });
    exits.add(exit);
  };
  for (let slot = 0; slot < count; slot++) fork(slot, true);

  return {
    ready,
    async stop(signal) {
      stopping = true;
      const waits = [...exits];
      for (const worker of bySlot.values()) {
        if (!worker.isDead()) worker.process.kill(signal);
      }
      const codes = await Promise.all(waits);
      return codes.every((code) => code === 0);
    },
  };
}
