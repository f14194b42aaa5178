import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../../src/db/embedded-postgres.js';
import { migrate } from '../../../src/db/migrate.js';
import { MAINTENANCE_TASK, startScheduler } from '../../../src/jobs/scheduler.js';
import { embeddedDatabase } from '../../support/api-process.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../support/database.js';
import { until } from '../../support/database-faults.js';

/** Queues the maintenance job as another process would: through the owner's connection. */
async function queueMaintenance(ownerUrl: string): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query(`SELECT graphile_worker.add_job($1)`, [MAINTENANCE_TASK]);
  } finally {
    await owner.end();
  }
}

/**
 * The scheduler when its database goes away while a job runs. graphile-worker then cannot
 * release the job (the connection is refused, which it does not retry) and ends that worker
 * for good; the scheduler must start a new runner once the database answers, so that a job
 * queued after the restart runs without a process restart. The job here holds until the
 * database is stopped, so the release always fails: no timing decides the path.
 */
describe('the scheduler across a database restart in the middle of a job', () => {
  it('runs jobs again once the database is back', { timeout: 180_000 }, async () => {
    const embedded = await embeddedDatabase('scheduler-restart', 24_000);
    let database: EmbeddedDatabase | null = await startEmbeddedPostgres({
      dataDir: embedded.dataDir,
      port: embedded.port,
    });
    try {
      await migrate(database.databaseUrl);
      const first = { release: (): void => undefined, started: (): void => undefined };
      const firstHeld = new Promise<void>((resolve) => {
        first.release = resolve;
      });
      const firstRunning = new Promise<void>((resolve) => {
        first.started = resolve;
      });
      let runs = 0;
      const scheduler = await startScheduler({
        DATABASE_URL: database.databaseUrl,
        DATABASE_APP_ROLE: 'brygga_app',
        LOG_LEVEL: 'silent',
        maintenance: async () => {
          runs += 1;
          if (runs === 1) {
            first.started();
            await firstHeld;
          }
          return { run: runs };
        },
      });
      try {
        await scheduler.runner.addJob(MAINTENANCE_TASK, {});
        await firstRunning;
        await database.stop();
        database = null;
        // The job ends while the database is away: its worker cannot release it.
        first.release();
        database = await startEmbeddedPostgres({
          dataDir: embedded.dataDir,
          port: embedded.port,
        });
        await queueMaintenance(embedded.ownerUrl);
        await until('a job queued after the restart runs', () => runs >= 2);
        expect(runs).toBeGreaterThanOrEqual(2);
      } finally {
        await scheduler.stop();
      }
    } finally {
      await database?.stop();
      await rm(embedded.dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * graphile-worker stops its runner by itself when its cron fails (a connection cut off
 * during the cron's own queries does that) and does not start it again. Stopping the
 * runner from outside ends it the same way: its promise settles while the scheduler runs.
 */
describe('the scheduler when its job runner ends by itself', () => {
  it('starts a new runner, which runs the jobs queued after', { timeout: 180_000 }, async () => {
    const name = `brygga_t_runner_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await createDatabaseFromTemplate(name);
    let runs = 0;
    const scheduler = await startScheduler({
      DATABASE_URL: databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'silent',
      maintenance: async () => {
        runs += 1;
        return { run: runs };
      },
    });
    try {
      const first = scheduler.runner;
      await first.stop();
      await until('a new runner', () => scheduler.runner !== first);
      await queueMaintenance(databaseUrl);
      await until('the job queued after the runner ended runs', () => runs >= 1);
      expect(runs).toBeGreaterThanOrEqual(1);
    } finally {
      await scheduler.stop();
      await dropDatabase(name);
    }
  });
});
