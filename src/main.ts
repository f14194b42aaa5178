import { ensureAccessLogPartitions } from './audit/partitions.js';
import { ConfigError, loadConfig } from './config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { seedDemoRegion } from './db/seed/demo-region.js';
import { type RunningServer, startServer } from './http/app.js';
import { type Scheduler, startScheduler } from './jobs/scheduler.js';
import {
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_MIB,
  youngGenerationConfigured,
} from './young-generation.js';

/**
 * Starts Brygga. Without DATABASE_URL it runs an embedded PostgreSQL in EMBEDDED_PG_DIR,
 * migrates it and seeds the demo region on first start, so `npm start` needs no set-up.
 */
/** Set once a signal asked us to stop; start-up steps cut short by it are not failures. */
let stopping = false;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`brygga: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  if (!youngGenerationConfigured()) {
    process.stderr.write(
      `brygga: started without ${YOUNG_GENERATION_FLAG}; V8's default young generation costs ` +
        `about a sixth more CPU per request (start with npm start, or set ` +
        `NODE_OPTIONS=${YOUNG_GENERATION_FLAG}=${YOUNG_GENERATION_MIB})\n`,
    );
  }

  // What is running, so a signal at any moment of start-up stops exactly that, in order:
  // requests and jobs first, the embedded database last.
  let server: RunningServer | null = null;
  let scheduler: Scheduler | null = null;
  let embedded: EmbeddedDatabase | null = null;
  const stop = async (signal: string) => {
    process.stderr.write(`brygga: stopping (${signal})\n`);
    const steps: [string, () => Promise<unknown>][] = [
      ['server', async () => server?.close()],
      ['scheduler', async () => scheduler?.stop()],
      ['embedded database', async () => embedded?.stop()],
    ];
    let failed = false;
    for (const [name, step] of steps) {
      await step().catch((error: unknown) => {
        failed = true;
        process.stderr.write(`brygga: stopping the ${name} failed: ${String(error)}\n`);
      });
    }
    process.exit(failed ? 1 : 0);
  };

  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.EMBEDDED_PG_DIR,
      port: config.EMBEDDED_PG_PORT,
    });
    // The embedded-postgres package stops its servers on SIGINT/SIGTERM by itself and then
    // exits (async-exit-hook), pulling the database out from under requests still
    // draining. Brygga takes that step itself, last, so those listeners go.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  }
  // Listeners stay for the whole shutdown: a second signal arriving meanwhile (seen while
  // the embedded database stops) must not cut the shutdown short with the default action.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
  }

  const databaseUrl = config.DATABASE_URL ?? embedded!.databaseUrl;
  const report = await migrate(databaseUrl);
  if (report.applied.length > 0)
    process.stderr.write(`brygga: applied migrations ${report.applied.join(', ')}\n`);

  if (config.SEED_DEMO ?? embedded !== null) {
    const seeded = await seedDemoRegion(databaseUrl, { onlyIfEmpty: true });
    if (seeded) process.stderr.write(`brygga: seeded the demo region (${seeded.cases} cases)\n`);
  }

  const running = await startServer({ ...config, DATABASE_URL: databaseUrl });
  server = running;
  // graphile-worker migrates its own schema, so it connects as the owner, not brygga_app.
  if (config.SCHEDULER_ENABLED) {
    scheduler = await startScheduler({
      DATABASE_URL: databaseUrl,
      DATABASE_APP_ROLE: config.DATABASE_APP_ROLE,
      LOG_LEVEL: config.LOG_LEVEL,
      maintenance: async () => ({
        identity: await running.identity.maintain(),
        accessLogPartitions: await ensureAccessLogPartitions(running.db.pool),
      }),
    });
  }
}

main().catch((error: unknown) => {
  if (stopping) return; // the shutdown in progress decides the exit code
  process.stderr.write(
    `brygga: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
