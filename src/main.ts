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
  const stop = async (signal: string) => {
    server.logger.info('stopping', { signal });
    await server.close();
    await scheduler?.stop();
    await embedded?.stop();
    process.exit(0);
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
