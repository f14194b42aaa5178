/**
 * The scheduler as a process of its own: graphile-worker with the monthly invoicing,
 * nightly retention and five-minute maintenance jobs (src/jobs/scheduler.ts), and no HTTP
 * server. For deployments that run the API processes with SCHEDULER_ENABLED=false and
 * this beside them (docs/operations.md, deploy/compose.yaml):
 *   DATABASE_URL=postgresql://… node dist/scripts/scheduler.js     (npm run scheduler)
 * It migrates first (under the migrations' advisory lock, so it may start before or with
 * the API), serves /metrics on METRICS_PORT when set, and stops in order on SIGTERM: the
 * running job finishes its step (retention stops after its batch), then the pools close.
 */
import { ensureAccessLogPartitions } from '../src/audit/partitions.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { apiDatabaseUrl, assertApiLoginConfined } from '../src/db/login-roles.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/http/logger.js';
import { createIdentityServices } from '../src/identity/index.js';
import { startScheduler } from '../src/jobs/scheduler.js';
import { watchIdentityProviders } from '../src/metrics/identity-providers.js';
import { startMetricsServer } from '../src/metrics/server.js';

const say = (line: string) => process.stderr.write(`brygga scheduler: ${line}\n`);

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    say(error.message);
    process.exit(78);
  }
  throw error;
}
const databaseUrl = config.DATABASE_URL;
if (!databaseUrl) {
  say('set DATABASE_URL (the owner: graphile-worker keeps its queue in its own schema)');
  process.exit(78);
}

const logger = createLogger(config.LOG_LEVEL);
const report = await migrate(databaseUrl);
if (report.applied.length > 0) say(`applied migrations ${report.applied.join(', ')}`);

// The maintenance job's identity steps work as the API does: its login, its role.
const db = connectDatabase(apiDatabaseUrl({ ...config, DATABASE_URL: databaseUrl }), {
  appRole: config.DATABASE_APP_ROLE,
  poolSize: 2,
  log: logger,
  name: 'scheduler-identity',
});
await assertApiLoginConfined(db.pool, config.DATABASE_APP_ROLE);
const identity = await createIdentityServices({
  prisma: db.prisma,
  pool: db.pool,
  config,
  log: (entry) => logger.warn('identity', entry),
});
const metrics =
  config.METRICS_PORT === undefined
    ? null
    : await startMetricsServer({ host: config.METRICS_HOST, port: config.METRICS_PORT });
if (metrics) say(`metrics at ${metrics.url}`);
// Certificate expiry and metadata age are read from the database at each scrape.
watchIdentityProviders(db.pool);

const scheduler = await startScheduler({
  DATABASE_URL: databaseUrl,
  DATABASE_APP_ROLE: config.DATABASE_APP_ROLE,
  LOG_LEVEL: config.LOG_LEVEL,
  NOTIFICATION_SENDER: config.NOTIFICATION_SENDER,
  NOTIFICATION_COALESCE_SECONDS: config.NOTIFICATION_COALESCE_SECONDS,
  NOTIFICATION_MAX_ATTEMPTS: config.NOTIFICATION_MAX_ATTEMPTS,
  maintenance: async () => ({
    identity: await identity.maintain(),
    accessLogPartitions: await ensureAccessLogPartitions(db.pool),
  }),
});
say('running');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${signal})`);
    const steps: [string, () => Promise<unknown>][] = [
      ['scheduler', () => scheduler.stop()],
      ['metrics listener', async () => metrics?.close()],
      ['database', () => db.close()],
    ];
    void (async () => {
      let failed = false;
      for (const [name, step] of steps) {
        await step().catch((error: unknown) => {
          failed = true;
          say(`stopping the ${name} failed: ${String(error)}`);
        });
      }
      process.exit(failed ? 1 : 0);
    })();
  });
}
