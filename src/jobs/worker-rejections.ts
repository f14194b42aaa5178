import { isConnectionError } from '../db/connection-errors.js';
import type { Logger } from '../http/logger.js';

/**
 * graphile-worker 0.16 chains `.finally()` on its cron's promise and never handles the
 * promise that returns (dist/runner.js). When the cron fails, which a query of its cut off
 * by a lost database connection does (the look-up of known crontabs as a runner starts,
 * every tick's), Node sees an unhandled rejection and by default ends the process: the API
 * with it, for a fault the scheduler recovers from (its runner stops and scheduler.ts
 * starts a new one). Seen in CI: the third of three cuts of every connection under load
 * came as a new runner was starting, and the process was gone.
 *
 * Later releases handle it, but 0.17 leaves another such rejection in its batched job
 * completion and 0.18 needs Node 22, so until then exactly this rejection is tolerated: a
 * connection-class error raised through graphile-worker's code. Any other unhandled
 * rejection still ends the process, as Node's default does.
 */
export function isWorkerConnectionRejection(reason: unknown): boolean {
  return (
    reason instanceof Error &&
    isConnectionError(reason) &&
    /[\\/]node_modules[\\/]graphile-worker[\\/]/.test(reason.stack ?? '')
  );
}

/** Installs the tolerance for as long as the scheduler runs; the function removes it. */
export function tolerateWorkerConnectionRejections(logger: Logger): () => void {
  const listener = (reason: unknown) => {
    if (!isWorkerConnectionRejection(reason)) throw reason;
    logger.warn('scheduler: graphile-worker left a lost database connection unhandled', {
      area: 'scheduler',
      error: String(reason),
    });
  };
  process.on('unhandledRejection', listener);
  return () => {
    process.off('unhandledRejection', listener);
  };
}
