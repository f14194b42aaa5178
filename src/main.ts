import { ensureAccessLogPartitions } from './audit/partitions.js';
import { isClusterWorker, startWorkers, type Workers, workerSlot } from './cluster.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { isConnectionError } from './db/connection-errors.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { seedDemoRegion } from './db/seed/demo-region.js';
import { graphqlExecutorPatched } from './graphql/patched-executor.js';
import { planCacheAvailable } from './graphql/plan-cache.js';
import { type RunningServer, startServer } from './http/app.js';
import { EXPOSE_GC_FLAG, idleScavengeAvailable } from './idle-scavenge.js';
import { type Scheduler, startScheduler } from './jobs/scheduler.js';
import {
  type MetricsServer,
  shareMetricsWithPrimary,
  startMetricsServer,
} from './metrics/server.js';
import { type ProducerTlsMaterial, readConfiguredProducerTls } from './patient-portal/tls-files.js';
import {
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_MIB,
  youngGenerationConfigured,
} from './young-generation.js';

/**
 * Starts Brygga. Without DATABASE_URL it runs an embedded PostgreSQL in EMBEDDED_PG_DIR,
 * migrates it and seeds the demo region on first start, so `npm start` needs no set-up.
 * With API_PROCESSES > 1 this process becomes the cluster's primary (src/cluster.ts): it
 * does the once-only steps and forks the API processes, which re-enter here as workers.
 */
/** Set once a signal asked us to stop; start-up steps cut short by it are not failures. */
let stopping = false;

const say = (line: string) => process.stderr.write(`brygga: ${line}\n`);

/** DATABASE_URL's database cannot be reached: where it points (never its password), and why. */
function unreachable(url: string, error: unknown): Error {
  const { hostname, port, pathname } = new URL(url);
  // Node's AggregateError (every address of a host refused) has only its code.
  const { message, code } = error as { message?: string; code?: string };
  const why = message || code || String(error);
  return new Error(
    `the database in DATABASE_URL (${hostname}:${port || '5432'}${pathname}) cannot be reached: ${why}`,
  );
}

/**
 * Installs the signal handlers at once and returns the ordered shutdown: each step runs
 * even if an earlier one failed, and the exit code says whether all of them succeeded.
 * Listeners stay for the whole shutdown: a second signal arriving meanwhile (seen while
 * the embedded database stops) must not cut the shutdown short with the default action.
 */
function orderedShutdown(steps: ShutdownStep[]) {
  const stop = async (signal: NodeJS.Signals, failedAlready = false) => {
    say(`stopping (${signal})`);
    let failed = failedAlready;
    for (const [name, step] of steps) {
      await step(signal).then(
        (result) => {
          if (result === false) {
            failed = true;
            say(`stopping the ${name} failed`);
          }
        },
        (error: unknown) => {
          failed = true;
          say(`stopping the ${name} failed: ${String(error)}`);
        },
      );
    }
    process.exit(failed ? 1 : 0);
  };
  const listen = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // embedded-postgres registers async-exit-hook when it is imported, which ends the
      // process with 128 + signal as soon as its own (empty) hooks ran, in the middle of
      // our shutdown. Whether or not the embedded database runs, the shutdown is ours.
      process.removeAllListeners(signal);
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        void stop(signal);
      });
    }
  };
  /** Stops because of a failure rather than a signal: same order, exit code 1. */
  const fail = (reason: string) => {
    if (stopping) return;
    stopping = true;
    say(reason);
    void stop('SIGTERM', true);
  };
  return { listen, fail };
}

async function main(): Promise<void> {
  let config: Config;
  let producerTls: ProducerTlsMaterial | null;
  try {
    config = loadConfig();
    // Files a setting names are read now, so a missing one is a setting's error too; what
    // they hold goes on to the server, which does not read them again.
    producerTls = await readConfiguredProducerTls(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (isClusterWorker()) return runWorker(config, producerTls);

  if (!youngGenerationConfigured()) {
    say(
      `started without ${YOUNG_GENERATION_FLAG}; V8's default young generation costs ` +
        `about a sixth more CPU per request (start with npm start, or set ` +
        `NODE_OPTIONS=${YOUNG_GENERATION_FLAG}=${YOUNG_GENERATION_MIB})`,
    );
  }
  if (config.IDLE_SCAVENGE && !idleScavengeAvailable()) {
    say(
      `started without ${EXPOSE_GC_FLAG}; young-generation collections come in the middle of ` +
        `requests instead of between them (start with npm start, or add ${EXPOSE_GC_FLAG} ` +
        'to NODE_OPTIONS; IDLE_SCAVENGE=false says this is meant)',
    );
  }
  if (!planCacheAvailable()) {
    say(
      '@pothos/plugin-prisma is installed without patches/@pothos+plugin-prisma+4.17.0.patch; ' +
        'a case in full is planned again for every request (install with npm ci, which applies it)',
    );
  }
  if (!graphqlExecutorPatched()) {
    say(
      'graphql-js is installed without patches/graphql+16.15.0.patch; its executor costs ' +
        'about a tenth more CPU per list request (install with npm ci, which applies it)',
    );
  }

  // What is running, so a signal at any moment of start-up stops exactly that, in order:
  // requests and jobs first, the embedded database last.
  let workers: Workers | null = null;
  let embedded: EmbeddedDatabase | null = null;
  let metrics: MetricsServer | null = null;
  const api = apiProcess();
  const shutdown = orderedShutdown([
    ['API processes', async (signal) => workers?.stop(signal)],
    ...api.steps,
    ['metrics listener', async () => metrics?.close()],
    ['embedded database', async () => embedded?.stop()],
  ]);
  if (config.METRICS_PORT !== undefined) {
    // Under node:cluster the primary serves the sum of the workers' metrics.
    metrics = await startMetricsServer({
      host: config.METRICS_HOST,
      port: config.METRICS_PORT,
      cluster: config.API_PROCESSES > 1,
    });
    say(`metrics at ${metrics.url}`);
  }

  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.EMBEDDED_PG_DIR,
      port: config.EMBEDDED_PG_PORT,
    });
    // The embedded-postgres package stops its servers on SIGINT/SIGTERM by itself and then
    // exits (async-exit-hook), pulling the database out from under requests still
    // draining. Brygga takes that step itself, last: listen() below replaces its listeners.
  }
  shutdown.listen();

  const databaseUrl = config.DATABASE_URL ?? embedded!.databaseUrl;
  const report = await migrate(databaseUrl).catch((error: unknown) => {
    // The first connection of a start: say where DATABASE_URL points, not only "ECONNREFUSED".
    throw config.DATABASE_URL && isConnectionError(error)
      ? unreachable(config.DATABASE_URL, error)
      : error;
  });
  if (report.applied.length > 0) say(`applied migrations ${report.applied.join(', ')}`);
  // The migrations create the API's login; the embedded database gives it its password.
  const apiUrl = embedded ? await embedded.enableApiLogin() : config.DATABASE_API_URL;
  const apiConfig = { ...config, ...(apiUrl === undefined ? {} : { DATABASE_API_URL: apiUrl }) };

  if (config.SEED_DEMO ?? embedded !== null) {
    const seeded = await seedDemoRegion(databaseUrl, { onlyIfEmpty: true });
    if (seeded) say(`seeded the demo region (${seeded.cases} cases)`);
  }

  if (config.API_PROCESSES > 1) {
    // The workers find the database the primary settled on, migrated and seeded; with
    // DATABASE_URL set they would turn the demo IdP off, so its setting goes with it.
    const env = {
      DATABASE_URL: databaseUrl,
      DEMO_IDP: String(config.DEMO_IDP),
      ...(apiUrl ? { DATABASE_API_URL: apiUrl } : {}),
    };
    workers = startWorkers(config.API_PROCESSES, env, say, (reason) => shutdown.fail(reason));
    await workers.ready;
    return;
  }

  await api.start(apiConfig, producerTls, databaseUrl, config.SCHEDULER_ENABLED);
}

/** An API process of the cluster: the HTTP server, and the scheduler in slot 0 only. */
async function runWorker(config: Config, producerTls: ProducerTlsMaterial | null): Promise<void> {
  const api = apiProcess();
  orderedShutdown(api.steps).listen();
  if (config.METRICS_PORT !== undefined) shareMetricsWithPrimary();
  const withScheduler = config.SCHEDULER_ENABLED && workerSlot() === 0;
  if (await api.start(config, producerTls, config.DATABASE_URL!, withScheduler)) {
    say(`API process ${process.pid} runs the scheduler`);
  }
}

type ShutdownStep = [string, (signal: NodeJS.Signals) => Promise<unknown>];

/**
 * The HTTP server and, where it runs, the scheduler: started in that order, stopped in
 * that order. Both are kept as their starts, so a signal that comes while one is still
 * starting waits for it and then stops it, before the database goes; once a signal has
 * come, nothing more starts.
 */
function apiProcess() {
  let server: Promise<RunningServer> | null = null;
  let scheduler: Promise<Scheduler> | null = null;
  const steps: ShutdownStep[] = [
    ['server', async () => (await started(server))?.close()],
    ['scheduler', async () => (await started(scheduler))?.stop()],
  ];
  /** Resolves true when it started the scheduler. */
  const start = async (
    config: Config,
    producerTls: ProducerTlsMaterial | null,
    databaseUrl: string,
    withScheduler: boolean,
  ): Promise<boolean> => {
    server = startServer({ ...config, DATABASE_URL: databaseUrl }, { producerTls });
    const running = await server;
    if (stopping || !withScheduler) return false;
    scheduler = startJobs(config, databaseUrl, running);
    await scheduler;
    return true;
  };
  return { steps, start };
}

/** What a start produced, once it has finished; null if it never began or failed. */
async function started<T>(start: Promise<T> | null): Promise<T | null> {
  return start ? start.catch(() => null) : null;
}

/** graphile-worker migrates its own schema, so it connects as the owner, not brygga_app. */
function startJobs(config: Config, databaseUrl: string, running: RunningServer) {
  return startScheduler({
    DATABASE_URL: databaseUrl,
    DATABASE_APP_ROLE: config.DATABASE_APP_ROLE,
    LOG_LEVEL: config.LOG_LEVEL,
    NOTIFICATION_SENDER: config.NOTIFICATION_SENDER,
    NOTIFICATION_COALESCE_SECONDS: config.NOTIFICATION_COALESCE_SECONDS,
    NOTIFICATION_MAX_ATTEMPTS: config.NOTIFICATION_MAX_ATTEMPTS,
    RETENTION_ARCHIVE_DIR: config.RETENTION_ARCHIVE_DIR,
    maintenance: async () => ({
      identity: await running.identity.maintain(),
      accessLogPartitions: await ensureAccessLogPartitions(running.db.pool),
    }),
  });
}

main().catch((error: unknown) => {
  if (stopping) return; // the shutdown in progress decides the exit code
  say(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
