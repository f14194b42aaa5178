/**
 * The Postgres-backed scheduler: graphile-worker with a crontab and the task list of
 * tasks.ts. Its queue lives in the schema `graphile_worker`, which graphile-worker
 * creates and migrates itself at start, so the worker connects as the database owner
 * (DATABASE_URL as given, no SET ROLE); the jobs themselves work through their own pool
 * in the application role, like the API.
 *
 * Several instances are safe: each cron tick is enqueued once (graphile-worker's
 * known_crontabs bookkeeping, plus a jobKey per month), a job is locked by one worker at
 * a time, a failed job is retried with backoff, and a tick missed while no instance ran is
 * backfilled on start (up to backfillPeriod).
 */
import { EventEmitter } from 'node:events';
import {
  makeWorkerUtils,
  type Runner,
  run,
  runOnce,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import pg from 'pg';
import type { Config } from '../config.js';
import { DatabaseAvailability } from '../db/availability.js';
import { connectDatabase, type Database } from '../db/client.js';
import { endPool } from '../db/end-pool.js';
import { createLogger, type Logger } from '../http/logger.js';
import { previousMonth } from '../invoicing/month.js';
import { watchPool } from '../metrics/pools.js';
import { countedJob } from '../metrics/registry.js';
import type { NotificationSender } from '../notifications/sender.js';
import { senderNamed } from '../notifications/sender.js';
import { NOTIFICATION_DEFAULTS } from '../notifications/settings.js';
import {
  FAN_OUT_CRONTAB,
  fanOutOnCommit,
  type NotificationTaskOptions,
  notificationTasks,
} from '../notifications/tasks.js';
import { RetentionError, runRetention } from '../retention/run.js';
import { recordSkippedRun } from '../retention/warnings.js';
import { JOBS, type JobName, type MonthlyInvoicingPayload } from './tasks.js';
import { workerLogger } from './worker-logger.js';
import { tolerateWorkerConnectionRejections } from './worker-rejections.js';

/** 02:00 UTC on the 1st (03:00 or 04:00 in Stockholm): the month before is complete. */
export const MONTHLY_INVOICING_CRON = '0 2 1 * *';
const BACKFILL = '40d';

export const CRONTAB = `${MONTHLY_INVOICING_CRON} monthly-invoicing ?fill=${BACKFILL}&max=5&jobKey=monthly-invoicing&jobKeyMode=preserve_run_at\n`;

/**
 * Every five minutes: the identity gateway's maintenance (signing-key rotation, due IdP
 * metadata refresh, expired replay entries) and the access log's partitions ahead. One
 * job key, so several instances queue it once; each step is itself safe to run twice.
 */
export const MAINTENANCE_CRON = '*/5 * * * *';
const MAINTENANCE_CRONTAB = `${MAINTENANCE_CRON} maintenance ?max=1&jobKey=maintenance\n`;
export const MAINTENANCE_TASK = 'maintenance';

/**
 * Nightly at 01:00 UTC (02:00 or 03:00 in Stockholm): retention (gallring). One job key,
 * so several instances queue it once; the run itself takes an advisory lock, so a CLI run
 * at the same time is refused rather than doubled. A night missed is run on start.
 */
export const RETENTION_CRON = '0 1 * * *';
export const RETENTION_TASK = 'retention';
const RETENTION_CRONTAB = `${RETENTION_CRON} ${RETENTION_TASK} ?fill=1d&max=1&jobKey=${RETENTION_TASK}&jobKeyMode=preserve_run_at\n`;

export interface SchedulerConfig
  extends Pick<Config, 'DATABASE_APP_ROLE' | 'LOG_LEVEL' | 'RETENTION_ARCHIVE_DIR'>,
    Partial<
      Pick<
        Config,
        'NOTIFICATION_SENDER' | 'NOTIFICATION_COALESCE_SECONDS' | 'NOTIFICATION_MAX_ATTEMPTS'
      >
    > {
  DATABASE_URL: string;
  /** Jobs run at once by this instance (default 1). */
  concurrency?: number;
  /** The maintenance run every five minutes; its result is logged. */
  maintenance?: () => Promise<unknown>;
  /** Sends the notifications instead of the sender NOTIFICATION_SENDER names (tests). */
  notificationSender?: NotificationSender;
}

export interface Scheduler {
  /** The job runner now (a new one after a worker died with the database; see startScheduler). */
  readonly runner: Runner;
  stop(): Promise<void>;
}

function taskList(db: Database, now: () => Date, failures: unknown[] = []): TaskList {
  const tasks: TaskList = {};
  for (const name of Object.keys(JOBS) as JobName[]) {
    tasks[name] = (payload, helpers) =>
      countedJob(name, async () => {
        const body = (payload ?? {}) as MonthlyInvoicingPayload & { _cron?: { ts: string } };
        // A cron run drafts the month before its own tick (also when backfilled late).
        const month =
          body.month ?? (body._cron ? previousMonth(new Date(body._cron.ts)) : undefined);
        const { summary, warnings } = await JOBS[name](
          { prisma: db.prisma, now, startedBy: `scheduler:${helpers.job.id}` },
          month === undefined ? {} : { month },
        ).catch((error: unknown) => {
          failures.push(error);
          throw error;
        });
        helpers.logger.info(`${name} ${summary.month}: ${JSON.stringify(summary)}`);
        for (const warning of warnings) helpers.logger.warn(`${name} ${summary.month}: ${warning}`);
      });
  }
  return tasks;
}

/** Starts the scheduler in this process; stop() ends it and its pool. */
export async function startScheduler(
  config: SchedulerConfig,
  now: () => Date = () => new Date(),
): Promise<Scheduler> {
  const logger = createLogger(config.LOG_LEVEL);
  const db = connectDatabase(config.DATABASE_URL, {
    appRole: config.DATABASE_APP_ROLE,
    poolSize: 2,
    log: logger,
    name: 'scheduler-jobs',
  });
  // Our own pool, so a connection the server cuts (shutdown, failover) is an event we
  // handle, not an uncaught error that ends the process. graphile-worker polls again after
  // a failed poll and reconnects its LISTEN connection with backoff by itself.
  const ownerPool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: 4,
    keepAlive: true,
    application_name: 'brygga-scheduler',
  });
  const ownerAvailability = new DatabaseAvailability(
    () => ownerPool.query('SELECT 1'),
    logger,
    'scheduler',
  );
  ownerAvailability.guard(ownerPool);
  const unwatch = watchPool('scheduler', ownerPool);
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:listen:error', ({ error }) => ownerAvailability.report(error, 'listen'));
  let stopping = false;
  const start = () =>
    run({
      pgPool: ownerPool,
      logger: workerLogger(logger),
      events,
      concurrency: config.concurrency ?? 1,
      noHandleSignals: true,
      pollInterval: 2000,
      taskList: {
        ...taskList(db, now),
        ...maintenanceTask(config),
        ...retentionTask(ownerPool, now, () => stopping, config.RETENTION_ARCHIVE_DIR),
        ...notificationTasks(ownerPool, notificationOptions(config, logger)),
      },
      crontab:
        (config.maintenance ? CRONTAB + MAINTENANCE_CRONTAB : CRONTAB) +
        RETENTION_CRONTAB +
        FAN_OUT_CRONTAB,
    });
  let runner = await start();
  // From here on: the first runner's cron starts querying only after start() returned.
  const untolerate = tolerateWorkerConnectionRejections(logger);
  // graphile-worker does not start again a runner that ended on an error of its own. A
  // worker ends on a fatal error when the database goes away while a job runs and the job
  // cannot be released ("committing seppuku"); the runner stops itself when its cron fails,
  // which a connection cut off during the cron's own queries does (its start-up look-up of
  // known crontabs, every tick's). Without a new runner, one database fault at the wrong
  // moment left the scheduler running no job at all (worker-rejections.ts keeps the cron's
  // failure from ending the process itself).
  let restarting: Promise<void> | null = null;
  const restart = (why: string, error?: unknown) => {
    if (stopping || restarting) return;
    logger.warn(`scheduler: ${why}; restarting the job runner`, {
      area: 'scheduler',
      ...(error === undefined ? {} : { error: String(error) }),
    });
    restarting = restartRunner().finally(() => {
      restarting = null;
    });
  };
  events.on('worker:fatalError', ({ error }) => restart('a worker ended on a fatal error', error));
  /** Restarts the runner should it end while the scheduler runs (stop() sets `stopping` first). */
  const watch = (watched: Runner) => {
    void watched.promise.then(
      () => runner === watched && restart('the job runner stopped'),
      (error: unknown) => runner === watched && restart('the job runner stopped', error),
    );
  };
  watch(runner);
  async function restartRunner(): Promise<void> {
    // Refused when the runner stopped itself already; nothing else is left to release.
    await runner.stop().catch(() => undefined);
    for (let delayMs = 250; !stopping; delayMs = Math.min(delayMs * 2, 5000)) {
      try {
        runner = await start();
        watch(runner);
        logger.info('scheduler: job runner restarted', { area: 'scheduler' });
        return;
      } catch (error) {
        logger.warn('scheduler: job runner not restarted yet', {
          area: 'scheduler',
          error: String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
  const jobs = { addJob: (...args: Parameters<Runner['addJob']>) => runner.addJob(...args) };
  // Without the commit notices the minute run still fans out: a failed LISTEN is no reason
  // not to run the scheduler.
  const stopFanOut = await fanOutOnCommit(config.DATABASE_URL, jobs, logger).catch(
    (error: unknown) => {
      logger.warn('notifications: commit notices not heard; fanning out every minute only', {
        area: 'notifications',
        error: String(error),
      });
      return async () => undefined;
    },
  );
  // A retention run cut off by a crash or a stop is finished now, not tomorrow night.
  const unfinished = await ownerPool.query(
    `SELECT 1 FROM retention_run_record WHERE status = 'RUNNING'`,
  );
  if (unfinished.rowCount) {
    await runner.addJob(RETENTION_TASK, {}, { jobKey: RETENTION_TASK });
  }
  return {
    get runner() {
      return runner;
    },
    async stop() {
      // A retention run in progress stops after its current batch and resumes on the next start.
      stopping = true;
      await restarting;
      await stopFanOut();
      ownerAvailability.close();
      unwatch();
      // Refused only when the runner had stopped itself, with nothing left to release.
      await runner.stop().catch(() => undefined);
      await endPool(ownerPool);
      await db.close();
      untolerate();
    },
  };
}

/** The outbox's settings, defaulted as src/config.ts defaults them. */
export function notificationOptions(
  config: SchedulerConfig,
  logger: Logger,
): NotificationTaskOptions {
  return {
    sender: config.notificationSender ?? senderNamed(config.NOTIFICATION_SENDER ?? 'log', logger),
    coalesceSeconds: config.NOTIFICATION_COALESCE_SECONDS ?? NOTIFICATION_DEFAULTS.coalesceSeconds,
    maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS ?? NOTIFICATION_DEFAULTS.maxAttempts,
  };
}

function maintenanceTask(config: SchedulerConfig): TaskList {
  const maintenance = config.maintenance;
  if (!maintenance) return {};
  return {
    [MAINTENANCE_TASK]: (_payload, helpers) =>
      countedJob(MAINTENANCE_TASK, async () => {
        helpers.logger.info(`maintenance: ${JSON.stringify(await maintenance())}`);
      }),
  };
}

function retentionTask(
  pool: pg.Pool,
  now: () => Date,
  stopping: () => boolean,
  archiveDir: string | undefined,
): TaskList {
  return {
    [RETENTION_TASK]: (_payload, helpers) =>
      countedJob(RETENTION_TASK, async () => {
        try {
          const report = await runRetention(pool, {
            mode: 'PURGE',
            startedBy: `scheduler:${helpers.job.id}`,
            now,
            shouldStop: stopping,
            ...(archiveDir ? { archiveDir } : {}),
          });
          const purged = report.items.reduce((sum, item) => sum + item.purged, 0);
          helpers.logger.info(
            `retention ${report.asOf}: ${report.status}, ${purged} purged, run ${report.runId}`,
          );
          if (report.status === 'FAILED') throw new Error(`retention failed: ${report.error}`);
        } catch (error) {
          // Another instance or an operator is running it: theirs is tonight's run. That run
          // may be a dry run or be stopped, so the owners see a warning, not just a log line.
          if (error instanceof RetentionError && error.code === 'RETENTION_RUN_IN_PROGRESS') {
            const warning = await recordSkippedRun(pool, `scheduler:${helpers.job.id}`);
            helpers.logger.warn(`retention: ${warning}`);
            return;
          }
          throw error;
        }
      }),
  };
}

/**
 * Enqueues one job and works the queue until it is empty, in this process: what the CLI
 * and the tests use to run a job through the real queue. Throws the job's error.
 */
export async function runJobNow(
  config: SchedulerConfig,
  name: JobName,
  payload: MonthlyInvoicingPayload,
  now: () => Date = () => new Date(),
): Promise<void> {
  const db = connectDatabase(config.DATABASE_URL, {
    appRole: config.DATABASE_APP_ROLE,
    poolSize: 2,
  });
  try {
    const utils = await makeWorkerUtils({ connectionString: config.DATABASE_URL });
    try {
      await utils.migrate();
      await utils.addJob(name, payload, {
        jobKey: `${name}:${payload.month ?? previousMonth(now())}`,
        maxAttempts: 1,
      });
    } finally {
      await utils.release();
    }
    const failures: unknown[] = [];
    await runOnce({
      connectionString: config.DATABASE_URL,
      logger: workerLogger(createLogger(config.LOG_LEVEL)),
      noHandleSignals: true,
      taskList: taskList(db, now, failures),
    });
    if (failures.length > 0) throw failures[0];
  } finally {
    await db.close();
  }
}
