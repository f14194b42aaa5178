import { Logger as WorkerLogger } from 'graphile-worker';
import type { Logger } from '../http/logger.js';

/**
 * graphile-worker's log lines (its own and the tasks' helpers.logger) through Brygga's
 * logger, so they are JSON lines like every other, with the task and job they are about.
 */
export function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger(
    (scope: { label?: string; taskIdentifier?: string; jobId?: string; workerId?: string }) =>
      (level: string, message: string) => {
        const fields = {
          area: 'scheduler',
          ...(scope.label ? { scope: scope.label } : {}),
          ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}),
          ...(scope.jobId ? { jobId: scope.jobId } : {}),
        };
        if (level === 'error') logger.error(message, fields);
        else if (level === 'warning') logger.warn(message, fields);
        else if (level === 'debug') logger.debug(message, fields);
        else logger.info(message, fields);
      },
  );
}
