import type { RequestHandler } from 'express';

/**
 * Counts the requests whose handlers are still running, so a stopping server closes its
 * database only after them. A client that gives up closes its connection, and with it
 * the HTTP server's last reason to wait, while its handler goes on: it may still owe an
 * access-log or identity-event write, which must not meet an ended pool. A request counts
 * as running until its handler ends the response, whether or not anyone still listens.
 */
export interface RunningRequests {
  middleware: RequestHandler;
  /** Resolves when no handler runs any more, or after `graceMs`, whichever is first. */
  settled(graceMs: number): Promise<void>;
  /** Whether a handler is running now. */
  busy(): boolean;
}

/** `idle` is called each time the last running handler ends (src/idle-scavenge.ts). */
export function runningRequests(idle?: () => void): RunningRequests {
  let running = 0;
  const waiters = new Set<() => void>();
  const done = () => {
    running -= 1;
    if (running !== 0) return;
    for (const wake of waiters) wake();
    idle?.();
  };
  return {
    busy: () => running > 0,
    middleware: (_req, res, next) => {
      running += 1;
      const end = res.end;
      let ended = false;
      // Express ends every response through end(), also for an error or a gone client.
      res.end = function (this: typeof res, ...args: Parameters<typeof end>) {
        if (!ended) {
          ended = true;
          done();
        }
        return end.apply(this, args);
      } as typeof end;
      next();
    },
    async settled(graceMs) {
      if (running === 0) return;
      let wake!: () => void;
      const idle = new Promise<void>((resolve) => {
        wake = resolve;
      });
      waiters.add(wake);
      const timer = setTimeout(wake, graceMs);
      await idle;
      clearTimeout(timer);
      waiters.delete(wake);
    },
  };
}
