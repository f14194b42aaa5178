import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from '../../../src/jobs/scheduler.js';
import { SOC_HUDDINGE } from '../../support/demo.js';
import { runRetentionCli, spawnRetention } from '../../support/retention-cli.js';
import { insertClosedCasesBulk } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * A retention run killed mid-way (SIGKILL: no cleanup at all) is resumed, by the CLI or by
 * the scheduler's worker on its start, and finishes with exact counts: each batch commits
 * its deletions together with their count, so nothing is lost and nothing counted twice.
 * Only one runner works at a time.
 */
const DUE = 900;
let server: TestServer;

async function sql<T = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  return (await server.owner.query(text, values)).rows as T[];
}

const remainingDue = async () =>
  Number(
    (await sql<{ n: string }>(`SELECT count(*) AS n FROM "case" WHERE reference LIKE 'BULK-%'`))[0]!
      .n,
  );
const casePurged = async (runId: string) =>
  Number(
    (
      await sql<{ n: string }>(
        `SELECT coalesce(sum(purged), 0) AS n FROM retention_run_item WHERE run_id = $1 AND record_class = 'CASE'`,
        [runId],
      )
    )[0]!.n,
  );

async function killMidRun(): Promise<string> {
  const { child, done } = spawnRetention(server.databaseUrl, [
    'run',
    '--batch-size',
    '15',
    '--started-by',
    'test',
  ]);
  for (let i = 0; i < 600; i += 1) {
    const purged = await sql<{ n: string }>(
      `SELECT coalesce(sum(purged), 0) AS n FROM retention_run_item WHERE record_class = 'CASE'
         AND run_id IN (SELECT id FROM retention_run_record WHERE status = 'RUNNING')`,
    );
    if (Number(purged[0]!.n) >= 150) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await done;
  const running = await sql<{ id: string }>(
    `SELECT id FROM retention_run_record WHERE status = 'RUNNING'`,
  );
  expect(running).toHaveLength(1);
  return running[0]!.id;
}

beforeAll(async () => {
  server = await startTestServer();
  await insertClosedCasesBulk(server.owner, {
    count: DUE,
    unitHsaId: SOC_HUDDINGE,
    lastEntryAt: new Date('2019-03-01T10:00:00Z'),
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a retention run killed mid-way', () => {
  let runId = '';

  it('leaves a RUNNING run whose record matches exactly what is gone', async () => {
    runId = await killMidRun();
    const gone = DUE - (await remainingDue());
    expect(gone).toBeGreaterThan(0);
    expect(gone).toBeLessThan(DUE);
    expect(await casePurged(runId)).toBe(gone);
  });

  it('refuses a second runner while one holds the lock', async () => {
    const lock = await server.owner.query('SELECT pg_advisory_lock(730050, 1)');
    expect(lock.rowCount).toBe(1);
    try {
      const second = await runRetentionCli(server.databaseUrl, ['run']);
      expect(second.code).toBe(75);
      expect(second.stderr).toContain('RETENTION_RUN_IN_PROGRESS');
      const dry = await runRetentionCli(server.databaseUrl, ['run', '--dry-run']);
      expect(dry.code).toBe(75);
    } finally {
      await server.owner.query('SELECT pg_advisory_unlock(730050, 1)');
    }
    // A dry run may not start over a cut-off purge either: the purge is finished first.
    const dry = await runRetentionCli(server.databaseUrl, ['run', '--dry-run']);
    expect(dry.code).toBe(75);
    expect(dry.stderr).toContain('RETENTION_RUN_UNFINISHED');
  });

  it('is finished by the CLI as the same run, counting every case once', async () => {
    const resumed = await runRetentionCli(server.databaseUrl, ['run', '--batch-size', '100']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.report).toMatchObject({ runId, resumed: 1, status: 'SUCCEEDED' });
    expect(await remainingDue()).toBe(0);
    expect(await casePurged(runId)).toBe(DUE);
    const patients = resumed.report!.items.find((i) => i.recordClass === 'PATIENT_IDENTITY');
    expect(patients?.purged).toBe(DUE);
  });

  it('is finished by the scheduler’s worker when it starts', async () => {
    await insertClosedCasesBulk(server.owner, {
      count: DUE,
      offset: DUE,
      unitHsaId: SOC_HUDDINGE,
      lastEntryAt: new Date('2019-03-01T10:00:00Z'),
    });
    const killed = await killMidRun();
    expect(killed).not.toBe(runId);
    const scheduler = await startScheduler({
      DATABASE_URL: server.databaseUrl,
      DATABASE_APP_ROLE: 'brygga_app',
      LOG_LEVEL: 'error',
    });
    try {
      for (let i = 0; i < 300; i += 1) {
        const [run] = await sql<{ status: string }>(
          'SELECT status FROM retention_run_record WHERE id = $1',
          [killed],
        );
        if (run?.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await scheduler.stop();
    }
    const [run] = await sql<{
      status: string;
      resumed: number;
      started_by: string;
      started_by_login: string;
      resumed_by: string[];
      finished_by: string;
    }>(
      `SELECT status, resumed, started_by, started_by_login, resumed_by, finished_by
       FROM retention_run_record WHERE id = $1`,
      [killed],
    );
    expect(run).toMatchObject({ status: 'SUCCEEDED', resumed: 1, started_by: 'cli:test' });
    // The starter and the resumer, each as it named itself and as the login the database saw.
    const login = new URL(server.databaseUrl).username;
    expect(run!.started_by_login).toBe(login);
    expect(run!.resumed_by).toEqual([
      expect.stringMatching(new RegExp(`^scheduler:\\d+ \\(login ${login}, `)),
    ]);
    expect(run!.finished_by).toMatch(/^scheduler:/);
    expect(await remainingDue()).toBe(0);
    expect(await casePurged(killed)).toBe(DUE);
  });
});
