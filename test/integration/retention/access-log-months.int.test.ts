import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyPartition } from '../../../src/audit/verify.js';
import { keepOutputOf } from '../../support/log-capture.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { appendAccessLog, insertPatient, pinBornOn } from '../../support/retention-fixtures.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 16, items 4 and 7: a dry run verifies access-log chains exactly as the purge does,
 * and a month left half-detached by a run cut off during DETACH … CONCURRENTLY is reported
 * by the access-log verifier as a pending detach, not as tampering.
 */
let server: TestServer;
const TAMPERED = 'access_log_partition.access_log_2019_03';
const DETACHING = 'access_log_partition.access_log_2019_05';

beforeAll(async () => {
  server = await startTestServer();
  const pin = pinBornOn(16);
  const id = await insertPatient(server.owner, pin);
  await appendAccessLog(server.owner, new Date('2019-03-15T10:00:00Z'), { id, pin });
  await appendAccessLog(server.owner, new Date('2019-05-15T10:00:00Z'), { id, pin });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** Changes a logged purpose as a superuser can, with the append-only triggers off. */
async function setPurpose(purpose: string): Promise<void> {
  await server.owner.query('BEGIN');
  await server.owner.query('SET LOCAL session_replication_role = replica');
  await server.owner.query(`UPDATE ${TAMPERED} SET purpose = $1 WHERE chain_position = 1`, [
    purpose,
  ]);
  await server.owner.query('COMMIT');
}

function verifyAccessLogCli(): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/verify-access-log.ts', '--json'],
    {
      env: { ...process.env, DATABASE_URL: server.databaseUrl },
    },
  );
  keepOutputOf(child);
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

it('a dry run refuses a tampered month as the purge does', { timeout: 120_000 }, async () => {
  await setPurpose('Annat ändamål');
  try {
    for (const args of [['run', '--dry-run'], ['run']]) {
      const run = await runRetentionCli(server.databaseUrl, args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.report, args.join(' ')).toMatchObject({
        status: 'FAILED',
        error: expect.stringMatching(/access log 2019-03 does not verify/),
      });
    }
  } finally {
    await setPurpose('Vård och behandling');
  }
});

it('reports a month a cut-off run left half-detached as pending, and the next run drops it', {
  timeout: 120_000,
}, async () => {
  // Sealed first, as the runner does before it detaches.
  const chain = await verifyPartition(server.owner, DETACHING, new Date(Date.UTC(2019, 4, 1)));
  await server.owner.query(
    `INSERT INTO access_log_seal (month, last_hash, row_count) VALUES ('2019-05-01', $1, $2)`,
    [chain.lastHash, chain.rows],
  );
  // A reader's open transaction makes the detach wait in its second phase; the detaching
  // session is then killed, as a run killed mid-detach would be.
  const reader = new pg.Client({ connectionString: server.databaseUrl });
  const detacher = new pg.Client({ connectionString: server.databaseUrl });
  detacher.on('error', () => undefined);
  await reader.connect();
  await detacher.connect();
  await reader.query('BEGIN');
  await reader.query('SELECT count(*) FROM access_log');
  const pid = (await detacher.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
    .pid;
  const detaching = detacher
    .query(`ALTER TABLE access_log DETACH PARTITION ${DETACHING} CONCURRENTLY`)
    .catch((error: Error) => error);
  for (;;) {
    const { rows } = await server.owner.query<{ pending: boolean }>(
      `SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = $1::regclass`,
      [DETACHING],
    );
    if (rows[0]?.pending) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.owner.query('SELECT pg_terminate_backend($1)', [pid]);
  expect(await detaching).toBeInstanceOf(Error);
  await reader.query('ROLLBACK');
  await reader.end();
  await detacher.end().catch(() => undefined);

  const verified = await verifyAccessLogCli();
  expect(verified.code, verified.stdout).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({
    ok: true,
    broken: null,
    detachPending: ['2019-05'],
  });

  const run = await runRetentionCli(server.databaseUrl, ['run']);
  expect(run.code, run.report?.error ?? run.stderr).toBe(0);
  const after = await verifyAccessLogCli();
  expect(JSON.parse(after.stdout)).toMatchObject({
    ok: true,
    detachPending: [],
    sealedAndDropped: expect.arrayContaining(['2019-03', '2019-05']),
  });
});
