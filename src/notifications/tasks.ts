import type { Runner, TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../http/logger.js';
import { countedJob } from '../metrics/registry.js';
import { CaseEventFeed } from '../subscriptions/case-event-feed.js';
import { type FanOutOptions, fanOut, SEND_TASK } from './fan-out.js';
import { sendNotification } from './send.js';
import type { NotificationSender } from './sender.js';

export const FAN_OUT_TASK = 'notification-fanout';
export { SEND_TASK };

/**
 * Every minute the fan-out runs even if no commit notice was heard (one was missed while
 * the LISTEN connection reconnected, or no process listened): one job key, so several
 * instances queue it once, and the cursor makes a run with nothing new a no-op.
 */
export const FAN_OUT_CRONTAB = `* * * * * ${FAN_OUT_TASK} ?max=1&jobKey=${FAN_OUT_TASK}&jobKeyMode=preserve_run_at\n`;

export interface NotificationTaskOptions extends FanOutOptions {
  sender: NotificationSender;
}

/**
 * The two tasks of the outbox: the fan-out (committed events → outbox rows and send jobs)
 * and the send (one row through the sender). Both run as the database owner, on the
 * scheduler's pool: the API's role may read the outbox, never write it.
 */
export function notificationTasks(pool: pg.Pool, options: NotificationTaskOptions): TaskList {
  return {
    [FAN_OUT_TASK]: (_payload, helpers) =>
      countedJob(FAN_OUT_TASK, async () => {
        const report = await fanOut(pool, options);
        if (report.events > 0) {
          helpers.logger.info(
            `notification fan-out: ${report.events} events, ${report.created} notifications, ${report.joined} events joined one not sent yet`,
          );
        }
      }),
    [SEND_TASK]: (payload, helpers) =>
      countedJob(SEND_TASK, async () => {
        const outboxId = (payload as { outboxId?: unknown } | null)?.outboxId;
        if (typeof outboxId !== 'string') throw new Error('notification-send needs an outboxId');
        const last = helpers.job.attempts >= helpers.job.max_attempts;
        const outcome = await sendNotification(pool, options.sender, outboxId, last);
        helpers.logger.info(`notification ${outboxId}: ${outcome} via ${options.sender.name}`);
      }),
  };
}

/**
 * Queues the fan-out as each case event commits, heard on the channel the live delivery
 * uses (src/subscriptions/case-event-feed.ts), so a notification leaves seconds after its
 * event rather than at the next minute. One job key: a burst of commits queues one run
 * (a run in progress gets one follow-up), and at most one enqueue is in flight here.
 */
export async function fanOutOnCommit(
  databaseUrl: string,
  runner: Pick<Runner, 'addJob'>,
  logger: Logger,
): Promise<() => Promise<void>> {
  const feed = new CaseEventFeed(databaseUrl, logger);
  let inFlight = false;
  let again = false;
  const enqueue = (): void => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    again = false;
    runner
      .addJob(FAN_OUT_TASK, {}, { jobKey: FAN_OUT_TASK, jobKeyMode: 'preserve_run_at' })
      .catch((error: unknown) =>
        logger.warn('notification fan-out not queued; the minute run will take it', {
          area: 'notifications',
          error: String(error),
        }),
      )
      .finally(() => {
        inFlight = false;
        if (again) enqueue();
      });
  };
  const unsubscribe = feed.subscribe(enqueue);
  await feed.start();
  return async () => {
    unsubscribe();
    await feed.stop();
  };
}
