import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOC_SOLNA } from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { insertClosedCase, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, items 2 and 8: the purge record is append-only for every role, a finished run
 * is sealed onto a chain, and `npm run retention -- verify` finds a change made behind the
 * triggers' back.
 */
let server: TestServer;
let purgeRunId = '';
let owner = '';

/** Runs statements as `role` (or the owner) in a transaction that is rolled back; the error or null. */
async function as(role: string | null, ...statements: string[]): Promise<string | null> {
  const client = server.owner;
  await client.query('BEGIN');
  try {
    if (role) await client.query(`SET LOCAL ROLE ${role}`);
    for (const statement of statements) await client.query(statement);
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.query('ROLLBACK');
  }
}

beforeAll(async () => {
  server = await startTestServer();
  owner = new URL(server.databaseUrl).username;
  for (const day of [3, 16]) {
    await insertClosedCase(server.owner, {
      pin: pinBornOn(day),
      units: [SOC_SOLNA],
      lastEntryAt: new Date('2019-01-01T10:00:00Z'),
    });
  }
  const dry = await runRetentionCli(server.databaseUrl, ['run', '--dry-run']);
  expect(dry.code, dry.stderr).toBe(0);
  const purge = await runRetentionCli(server.databaseUrl, ['run', '--started-by', 'archivist']);
  expect(purge.code, purge.stderr).toBe(0);
  purgeRunId = purge.report!.runId;
  expect(purge.report!.items.find((i) => i.recordClass === 'CASE')?.purged).toBe(2);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('the purge record cannot be changed', () => {
  const changes = [
    `UPDATE retention_run SET started_by = 'someone else'`,
    'UPDATE retention_run_item SET purged = 0',
    `UPDATE retention_run_event SET kind = 'SUCCEEDED', error = NULL`,
    'DELETE FROM retention_run_item',
    'DELETE FROM retention_run_event',
    'DELETE FROM retention_run',
    'TRUNCATE retention_run_item',
    'TRUNCATE retention_run_event',
    'TRUNCATE retention_run CASCADE',
  ];

  it('by the owner, a superuser here, for whom no grant is missing', async () => {
    for (const sql of changes) expect(await as(null, sql), sql).toMatch(/append-only/);
  });

  it('by the purge role, which writes it', async () => {
    for (const sql of changes) {
      expect(await as('brygga_retention', sql), sql).toMatch(/permission denied|append-only/);
    }
  });

  it('by the API role', async () => {
    for (const sql of changes) {
      expect(await as('brygga_app', sql), sql).toMatch(/permission denied|append-only/);
    }
  });

  it('nor added to once its run has ended', async () => {
    const append = `INSERT INTO retention_run_item (run_id, record_class, decision, kind, purged)
                    VALUES ('${purgeRunId}', 'CASE', 'forged', 'BATCH', 1000)`;
    expect(await as(null, append)).toMatch(/has ended/);
    expect(await as('brygga_retention', append)).toMatch(/has ended/);
    expect(
      await as(
        null,
        `INSERT INTO retention_run_event (run_id, kind, actor, login) VALUES ('${purgeRunId}', 'RESUMED', 'x', 'x')`,
      ),
    ).toMatch(/has ended/);
  });

  it('names the login that started it, whatever the caller claims', async () => {
    expect(
      await as(
        null,
        `INSERT INTO retention_run (mode, as_of, started_by, started_by_login)
         VALUES ('DRY_RUN', DATE '2026-01-01', 'x', 'forged')`,
        `DO $$ BEGIN
           IF (SELECT started_by_login FROM retention_run WHERE started_by = 'x') <> session_user THEN
             RAISE EXCEPTION 'login not the session''s';
           END IF;
         END $$`,
      ),
    ).toBeNull();
    const { rows } = await server.owner.query(
      'SELECT started_by, started_by_login, status, seal FROM retention_run_record WHERE id = $1',
      [purgeRunId],
    );
    expect(rows[0]).toMatchObject({
      started_by: 'cli:archivist',
      started_by_login: owner,
      status: 'SUCCEEDED',
      seal: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('npm run retention -- verify', () => {
  /** Changes the record as a superuser can: with the triggers switched off for the session. */
  async function behindTheTriggers(sql: string): Promise<void> {
    await server.owner.query('BEGIN');
    await server.owner.query(`SET LOCAL session_replication_role = replica`);
    await server.owner.query(sql);
    await server.owner.query('COMMIT');
  }

  it('vouches for the untouched record', async () => {
    const verified = await runRetentionCli(server.databaseUrl, ['verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      runs: 2,
      sealed: 2,
      unfinished: 0,
      problems: [],
    });
  });

  it('finds a count changed after the seal, and a run whose ending was removed', {
    timeout: 120_000,
  }, async () => {
    const { rows } = await server.owner.query<{ run: string }>(
      `SELECT run_id AS run FROM retention_run_event WHERE kind <> 'RESUMED' ORDER BY id LIMIT 1`,
    );
    const dryRunId = rows[0]!.run;
    expect(dryRunId).not.toBe(purgeRunId);
    await behindTheTriggers(
      `UPDATE retention_run_item SET purged = 0 WHERE run_id = '${purgeRunId}' AND kind = 'BATCH'`,
    );
    let verified = await runRetentionCli(server.databaseUrl, ['verify']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).problems).toEqual([
      expect.objectContaining({ runId: purgeRunId, problem: 'SEAL_MISMATCH' }),
    ]);

    await behindTheTriggers(
      `DELETE FROM retention_run_event WHERE run_id = '${dryRunId}' AND kind <> 'RESUMED'`,
    );
    verified = await runRetentionCli(server.databaseUrl, ['verify']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).problems).toEqual([
      expect.objectContaining({ runId: purgeRunId, problem: 'CHAIN_BROKEN' }),
      expect.objectContaining({ runId: purgeRunId, problem: 'SEAL_MISMATCH' }),
      expect.objectContaining({ runId: dryRunId, problem: 'ENDING_REMOVED' }),
    ]);
  });
});
