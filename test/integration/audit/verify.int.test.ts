import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisHash, rowHash } from '../../../src/audit/hash-chain.js';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { verifyAccessLogCli } from '../../support/access-log-request.js';
import { WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, patientsOf, writeAccesses } from './fixtures.js';

/**
 * The verifier finds what the hash chain is for: a changed row, a removed row, and (with
 * a seal) a chain rewritten from the tampered row on. Tampering needs the owner to switch
 * the append-only trigger off first, which is what an attacker with owner rights would do.
 * The tests run in order, each breaking an earlier month than the last, because the
 * verifier reports the first broken link.
 */
let server: TestServer;
let app: pg.Pool;

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
  const patients = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 4 });
  for (const month of ['2026-06', '2026-07', '2026-08', '2026-09']) {
    for (let request = 0; request < 3; request += 1) {
      await writeAccesses(app, {
        unitHsaId: WARD_KAROLINSKA_GERIATRIK,
        at: new Date(`${month}-1${request}T09:00:00Z`),
        patients,
        requestId: `req-${month}-${request}`,
      });
    }
  }
});
afterAll(async () => {
  await app?.end();
  await server?.close();
});

const runCli = () => verifyAccessLogCli(server.databaseUrl);

async function tamper(partition: string, sql: string): Promise<void> {
  const table = `access_log_partition.${partition}`;
  await server.owner.query(`ALTER TABLE ${table} DISABLE TRIGGER access_log_append_only`);
  try {
    await server.owner.query(sql.replaceAll('$table', table));
  } finally {
    await server.owner.query(`ALTER TABLE ${table} ENABLE TRIGGER access_log_append_only`);
  }
}

async function lastOf(month: string): Promise<{ hash: string; n: number }> {
  const { rows } = await server.owner.query<{ hash: string; n: number }>(
    `SELECT (SELECT hash FROM access_log_partition.access_log_${month.replace('-', '_')}
             ORDER BY chain_position DESC LIMIT 1) AS hash,
            (SELECT count(*)::int FROM access_log_partition.access_log_${month.replace('-', '_')}) AS n`,
  );
  return rows[0]!;
}

describe('the verifier', () => {
  it('passes an intact log and says so with counts; the CLI exits 0', async () => {
    const report = await verifyAccessLog(app);
    expect(report.ok).toBe(true);
    expect(report.rows).toBe(48);
    expect(report.partitions.filter((p) => p.rows > 0).map((p) => p.month)).toEqual([
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
    ]);
    const cli = runCli();
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^ok: 48 rows in \d+ partitions/);
  });

  it('recomputes the same hashes the database wrote, from the genesis of the month', async () => {
    const { rows } = await server.owner.query(
      `SELECT id, chain_position AS "chainPosition", time, activity::text AS activity,
              outcome::text AS outcome, user_hsa_id AS "userHsaId", user_name AS "userName",
              unit_hsa_id AS "unitHsaId", provider_hsa_id AS "providerHsaId",
              commission_hsa_id AS "commissionHsaId", purpose, patient_id AS "patientId",
              personal_identity_number AS "personalIdentityNumber", case_id AS "caseId",
              categories, request_id AS "requestId", operation_name AS "operationName",
              emergency_access AS "emergencyAccess", protected_identity AS "protectedIdentity",
              not_a_party AS "notAParty", out_of_hours AS "outOfHours", prev_hash, hash
       FROM access_log_partition.access_log_2026_06 ORDER BY chain_position LIMIT 1`,
    );
    const first = rows[0];
    expect(first.prev_hash).toBe(genesisHash(new Date('2026-06-01T00:00:00Z')));
    expect(rowHash(first.prev_hash, first)).toBe(first.hash);
  });

  it('accepts a seal that matches its partition', async () => {
    const last = await lastOf('2026-07');
    await server.owner.query(
      `INSERT INTO access_log_seal (month, last_hash, row_count) VALUES ('2026-07-01', $1, $2)`,
      [last.hash, last.n],
    );
    const report = await verifyAccessLog(app);
    expect(report.ok).toBe(true);
    expect(report.partitions.find((p) => p.month === '2026-07')?.sealed).toBe(true);
  });

  it('finds a changed row: partition, row, expected and found hash; the CLI exits 1', async () => {
    const { rows } = await server.owner.query<{ id: string; hash: string }>(
      `SELECT id, hash FROM access_log_partition.access_log_2026_09 WHERE chain_position = 5`,
    );
    const victim = rows[0]!;
    await tamper(
      'access_log_2026_09',
      `UPDATE $table SET user_name = 'Someone Else' WHERE chain_position = 5`,
    );
    const report = await verifyAccessLog(app);
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({
      partition: 'access_log_partition.access_log_2026_09',
      month: '2026-09',
      rowId: victim.id,
      chainPosition: 5,
      problem: 'HASH_MISMATCH',
      found: victim.hash,
    });
    expect(report.broken!.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(report.broken!.expected).not.toBe(victim.hash);
    const cli = runCli();
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(
      'BROKEN: HASH_MISMATCH in access_log_partition.access_log_2026_09 at position 5',
    );
    expect(cli.stdout).toContain(victim.id);
  });

  it('finds a removed row', async () => {
    await tamper('access_log_2026_08', 'DELETE FROM $table WHERE chain_position = 3');
    const report = await verifyAccessLog(app);
    expect(report.broken).toMatchObject({
      partition: 'access_log_partition.access_log_2026_08',
      chainPosition: 4,
      problem: 'POSITION_GAP',
    });
  });

  it('finds a chain rewritten consistently after the seal was taken', async () => {
    const last = await lastOf('2026-06');
    await server.owner.query(
      `INSERT INTO access_log_seal (month, last_hash, row_count) VALUES ('2026-06-01', $1, $2)`,
      [last.hash, last.n],
    );
    // Re-hash the whole month after a change, as someone hiding it would: the chain is
    // consistent again, only the seal knows better.
    const { rows } = await server.owner.query(
      `SELECT id, chain_position AS "chainPosition", time, activity::text AS activity,
              outcome::text AS outcome, user_hsa_id AS "userHsaId", user_name AS "userName",
              unit_hsa_id AS "unitHsaId", provider_hsa_id AS "providerHsaId",
              commission_hsa_id AS "commissionHsaId", purpose, patient_id AS "patientId",
              personal_identity_number AS "personalIdentityNumber", case_id AS "caseId",
              categories, request_id AS "requestId", operation_name AS "operationName",
              emergency_access AS "emergencyAccess", protected_identity AS "protectedIdentity",
              not_a_party AS "notAParty", out_of_hours AS "outOfHours"
       FROM access_log_partition.access_log_2026_06 ORDER BY chain_position`,
    );
    let previous = genesisHash(new Date('2026-06-01T00:00:00Z'));
    const updates: string[] = [];
    for (const row of rows) {
      if (row.chainPosition === 2) row.userName = 'Rewritten';
      const hash = rowHash(previous, row);
      updates.push(
        `UPDATE $table SET user_name = '${row.userName}', prev_hash = '${previous}', hash = '${hash}' WHERE id = '${row.id}'`,
      );
      previous = hash;
    }
    await tamper('access_log_2026_06', updates.join(';\n'));
    const report = await verifyAccessLog(app);
    expect(report.broken).toMatchObject({
      partition: 'access_log_partition.access_log_2026_06',
      problem: 'SEAL_MISMATCH',
      expected: `${last.hash} after ${last.n} rows`,
      found: `${previous} after ${last.n} rows`,
    });
  });
});
