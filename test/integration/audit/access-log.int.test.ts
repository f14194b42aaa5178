import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOutOfHours } from '../../../src/audit/out-of-hours.js';
import { RequestAccessLog } from '../../../src/audit/request-access-log.js';
import type { RawRow } from '../../../src/audit/verify.js';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { REGION, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, failure, patientsOf, writeAccesses } from './fixtures.js';

/**
 * The access-log table and its writer against the real database: what one request's
 * rows contain, the hash chain under concurrency, partitions on demand, append-only.
 */
let server: TestServer;
let app: pg.Pool;

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
});
afterAll(async () => {
  await app?.end();
  await server?.close();
});

type Row = RawRow;

async function rowsOfRequest(requestId: string): Promise<Row[]> {
  const { rows } = await server.owner.query<Row>(
    'SELECT * FROM access_log WHERE request_id = $1 ORDER BY chain_position',
    [requestId],
  );
  return rows;
}

describe('writing one request', () => {
  it('writes one row per patient with who, where, why, what and the flags', async () => {
    const [party1, party2] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK);
    // Not protected: the seed's ids are random, and the first non-party patient could
    // otherwise be `hidden` itself, leaving three patients where four are expected.
    const [stranger] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, {
      party: false,
      protectedIdentity: false,
    });
    const [hidden] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, {
      party: false,
      protectedIdentity: true,
    });
    // Tuesday 2026-10-06 10:15 in Stockholm (CEST): office hours.
    const at = new Date('2026-10-06T08:15:00.123Z');
    const written = await writeAccesses(app, {
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      name: 'Anna Berg',
      at,
      patients: [party1!, party2!, stranger!, hidden!],
      requestId: 'req-one',
      operationName: 'CaseList',
    });
    expect(written).toBe(4);
    const rows = await rowsOfRequest('req-one');
    expect(rows).toHaveLength(4);
    const byPatient = new Map(rows.map((r) => [r.patient_id, r]));
    const first = byPatient.get(party1!.patientId)!;
    expect(first).toMatchObject({
      activity: 'READ',
      outcome: 'SUCCESS',
      user_hsa_id: `${WARD_KAROLINSKA_GERIATRIK}P1`,
      user_name: 'Anna Berg',
      unit_hsa_id: WARD_KAROLINSKA_GERIATRIK,
      provider_hsa_id: REGION,
      commission_hsa_id: `${WARD_KAROLINSKA_GERIATRIK}C1`,
      purpose: 'Vård och behandling',
      personal_identity_number: party1!.personalIdentityNumber,
      case_id: party1!.caseId,
      categories: ['IDENTITY', 'PLANNING'],
      operation_name: 'CaseList',
      emergency_access: false,
      not_a_party: false,
      out_of_hours: false,
    });
    expect(first.time.toISOString()).toBe(at.toISOString());
    expect(byPatient.get(stranger!.patientId)!.not_a_party).toBe(true);
    expect(byPatient.get(hidden!.patientId)).toMatchObject({
      protected_identity: true,
      not_a_party: true,
    });
    // One chain: consecutive positions, each row linking to the one before.
    for (let i = 1; i < rows.length; i += 1) {
      expect(rows[i]!.chain_position).toBe(rows[i - 1]!.chain_position + 1);
      expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    }
  });

  it('folds repeated records of a patient into one row: union of categories, strongest activity', () => {
    const log = new RequestAccessLog();
    const p = { patientId: '00000000-0000-4000-8000-000000000001', caseId: 'c1' };
    const q = { patientId: '00000000-0000-4000-8000-000000000002', caseId: null };
    log.record({ ...p, categories: ['MEDICAL'], activity: 'READ' });
    log.record({ ...p, categories: ['IDENTITY', 'MEDICAL'], activity: 'CHANGE' });
    log.record({ ...p, categories: ['PLANNING'], activity: 'READ' });
    log.record({ ...p, categories: ['SOCIAL'], activity: 'READ', outcome: 'DENIED' });
    // The Patient's own fields, read in the same request: part of the case's row.
    log.record({ ...p, caseId: null, categories: ['PROTECTED_IDENTITY'], activity: 'READ' });
    // A patient touched outside any case keeps a row of their own.
    log.record({ ...q, categories: ['IDENTITY'], activity: 'READ' });
    log.record({ ...q, categories: ['IDENTITY'], activity: 'PRINT' });
    const base = { emergencyAccess: false, personalIdentityNumber: null };
    expect(log.collected()).toEqual([
      {
        ...p,
        ...base,
        categories: ['IDENTITY', 'MEDICAL', 'PLANNING', 'PROTECTED_IDENTITY'],
        activity: 'CHANGE',
        outcome: 'SUCCESS',
      },
      { ...p, ...base, categories: ['SOCIAL'], activity: 'READ', outcome: 'DENIED' },
      { ...q, ...base, categories: ['IDENTITY'], activity: 'PRINT', outcome: 'SUCCESS' },
    ]);
  });

  it('flags out of hours on the Stockholm clock, weekends and DST included', async () => {
    expect(isOutOfHours(new Date('2026-10-06T04:59:59Z'))).toBe(true); // 06:59 CEST
    expect(isOutOfHours(new Date('2026-10-06T05:00:00Z'))).toBe(false); // 07:00 CEST
    expect(isOutOfHours(new Date('2026-10-06T16:59:59Z'))).toBe(false); // 18:59 CEST
    expect(isOutOfHours(new Date('2026-10-06T17:00:00Z'))).toBe(true); // 19:00 CEST
    expect(isOutOfHours(new Date('2026-12-01T06:30:00Z'))).toBe(false); // 07:30 CET
    expect(isOutOfHours(new Date('2026-10-10T10:00:00Z'))).toBe(true); // Saturday
    expect(isOutOfHours(new Date('2026-10-11T22:30:00Z'))).toBe(true); // Monday 00:30 CEST
    expect(isOutOfHours(new Date('2026-10-12T06:00:00Z'))).toBe(false); // Monday 08:00 CEST
    const [patient] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK);
    await writeAccesses(app, {
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      at: new Date('2026-10-10T10:00:00Z'),
      patients: [patient!],
      requestId: 'req-saturday',
    });
    expect((await rowsOfRequest('req-saturday'))[0]!.out_of_hours).toBe(true);
  });

  it('keeps an emergency opening and a refusal as such', async () => {
    const [a, b] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { party: false });
    await writeAccesses(app, {
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      at: new Date('2026-10-07T09:00:00Z'),
      patients: [a!],
      activity: 'EMERGENCY_ACCESS',
      requestId: 'req-emergency',
    });
    await writeAccesses(app, {
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      at: new Date('2026-10-07T09:00:00Z'),
      patients: [b!],
      emergencyAccess: true,
      requestId: 'req-under-grant',
    });
    expect(await rowsOfRequest('req-emergency')).toMatchObject([
      { activity: 'EMERGENCY_ACCESS', emergency_access: true, not_a_party: true },
    ]);
    expect(await rowsOfRequest('req-under-grant')).toMatchObject([
      { activity: 'READ', emergency_access: true },
    ]);
  });

  it('refuses a request that touched patients without an acting commission', async () => {
    const [patient] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK);
    const { appendAccesses } = await import('../../../src/audit/writer.js');
    const log = new RequestAccessLog();
    log.record({
      patientId: patient!.patientId,
      caseId: null,
      categories: ['IDENTITY'],
      activity: 'READ',
    });
    await expect(
      appendAccesses(
        app,
        { requestId: 'x', operationName: null, principal: null },
        log.collected(),
        new Date(),
      ),
    ).rejects.toThrow(/without a principal/);
  });
});

describe('partitions and the chain under concurrency', () => {
  it('creates a missing month on demand, once, while many requests append to it at the same time', async () => {
    const patients = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 3 });
    const month = new Date('2031-03-15T12:00:00Z');
    const before = await server.owner.query(
      `SELECT 1 FROM pg_class WHERE relname = 'access_log_2031_03'`,
    );
    expect(before.rowCount).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        writeAccesses(app, {
          unitHsaId: WARD_KAROLINSKA_GERIATRIK,
          at: new Date(month.getTime() + i),
          patients,
          requestId: `req-concurrent-${i}`,
        }),
      ),
    );
    expect(results.every((n) => n === 3)).toBe(true);
    const { rows } = await server.owner.query<{
      chain_position: number;
      prev_hash: string;
      hash: string;
    }>(
      `SELECT chain_position, prev_hash, hash FROM access_log_partition.access_log_2031_03 ORDER BY chain_position`,
    );
    expect(rows.map((r) => r.chain_position)).toEqual(Array.from({ length: 72 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const report = await verifyAccessLog(app);
    expect(report.broken).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.partitions.find((p) => p.month === '2031-03')?.rows).toBe(72);
  });

  it('has the current and the next month from the migration on', async () => {
    const { rows } = await server.owner.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'access_log'::regclass`,
    );
    const names = rows.map((r) => r.relname);
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const name = (d: Date) =>
      `access_log_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(names).toContain(name(now));
    expect(names).toContain(name(next));
  });
});

describe('append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE to the API role and, by trigger, to the owner', async () => {
    for (const sql of [
      `UPDATE access_log SET user_name = 'x'`,
      'DELETE FROM access_log',
      'TRUNCATE access_log',
    ]) {
      expect(await failure(app, sql)).toMatch(/permission denied|append-only/);
    }
    expect(await failure(server.owner, `UPDATE access_log SET user_name = 'x'`)).toContain(
      'append-only',
    );
    expect(await failure(server.owner, 'DELETE FROM access_log')).toContain('append-only');
    expect(await failure(server.owner, 'TRUNCATE access_log')).toContain('append-only');
    // A partition addressed directly refuses too.
    expect(
      await failure(server.owner, 'DELETE FROM access_log_partition.access_log_2031_03'),
    ).toContain('append-only');
    expect(
      await failure(server.owner, 'TRUNCATE access_log_partition.access_log_2031_03'),
    ).toContain('append-only');
    // Row triggers need a row to refuse; these tables are empty here, TRUNCATE is not.
    for (const table of ['access_log_seal', 'access_review_sample', 'access_review']) {
      expect(await failure(server.owner, `TRUNCATE ${table} CASCADE`)).toContain('append-only');
      expect(await failure(app, `DELETE FROM ${table}`)).toContain('permission denied');
    }
  });

  it('gives the API role no way to create, alter or disable', async () => {
    expect(
      await failure(app, 'ALTER TABLE access_log DISABLE TRIGGER access_log_append_only'),
    ).toContain('must be owner');
    expect(
      await failure(
        app,
        `INSERT INTO access_log_seal (month, last_hash, row_count) VALUES ('2020-01-01', repeat('a', 64), 0)`,
      ),
    ).toContain('permission denied');
    expect(await failure(app, 'SELECT * FROM access_log_partition.access_log_2031_03')).toContain(
      'permission denied',
    );
    expect(await failure(app, `CREATE TABLE access_log_partition.x (id int)`)).toContain(
      'permission denied',
    );
  });
});
