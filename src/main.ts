import { ensureAccessLogPartitions } from './audit/partitions.js';
import { ConfigError, loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { seedDemoRegion } from './db/seed/demo-region.js';
import { startServer } from './http/app.js';
import { startScheduler } from './jobs/scheduler.js';

/**
 * Starts Brygga. Without DATABASE_URL it runs an embedded PostgreSQL in EMBEDDED_PG_DIR,
 * migrates it and seeds the demo region on first start, so `npm start` needs no set-up.
 */
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

  const embedded = config.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.EMBEDDED_PG_DIR,
        port: config.EMBEDDED_PG_PORT,
      });
  const databaseUrl = config.DATABASE_URL ?? embedded!.databaseUrl;
  const report = await migrate(databaseUrl);
  if (report.applied.length > 0)
    process.stderr.write(`brygga: applied migrations ${report.applied.join(', ')}\n`);

  if (config.SEED_DEMO ?? embedded !== null) {
    const seeded = await seedDemoRegion(databaseUrl, { onlyIfEmpty: true });
    if (seeded) process.stderr.write(`brygga: seeded the demo region (${seeded.cases} cases)\n`);
  }

  const server = await startServer({ ...config, DATABASE_URL: databaseUrl });
  // graphile-worker migrates its own schema, so it connects as the owner, not brygga_app.
  const scheduler = config.SCHEDULER_ENABLED
    ? await startScheduler({
        DATABASE_URL: databaseUrl,
        DATABASE_APP_ROLE: config.DATABASE_APP_ROLE,
        LOG_LEVEL: config.LOG_LEVEL,
        maintenance: async () => ({
          identity: await server.identity.maintain(),
          accessLogPartitions: await ensureAccessLogPartitions(server.db.pool),
        }),
      })
    : null;
  // Shut down in order: stop taking requests and jobs, then the embedded database. The
  // embedded-postgres package stops its servers on SIGINT/SIGTERM by itself and then exits
  // (async-exit-hook), which would pull the database out from under requests still
  // draining; Brygga does that step itself, last, so those listeners are removed.
  if (embedded) {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  }
  const stop = async (signal: string) => {
    server.logger.info('stopping', { signal });
    const steps: [string, () => Promise<unknown>][] = [
      ['server', () => server.close()],
      ['scheduler', async () => scheduler?.stop()],
      ['embedded database', async () => embedded?.stop()],
    ];
    let failed = false;
    for (const [name, step] of steps) {
      await step().catch((error: unknown) => {
        failed = true;
        server.logger.error(`stopping the ${name} failed`, { error: String(error) });
      });
    }
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `brygga: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
