import fc from 'fast-check';
import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { appendAccesses } from '../../../src/audit/writer.js';
import {
  HSL_SODERMALM,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
} from '../../support/demo.js';
import { runRetentionCli } from '../../support/retention-cli.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import {
  allAccessLogRows,
  appConnection,
  dayPatientSetDifference,
  type PatientCase,
  patientsOf,
  recountPatientsThatDay,
} from './fixtures.js';

/**
 * Issue 17 (d): the log review's "patients that user touched that day" comes from
 * access_log_day_patient, which access_log_append keeps with the log. Whatever is appended,
 * the set is exactly the log's (user, organisation, Stockholm day, patient, UTC month)
 * projection, so its counts are the log's recount; and retention, dropping a month of the
 * log, drops that month of the set, so nothing is left of a purged month.
 */
let server: TestServer;
let app: pg.Pool;
let officer: GraphQLClient;
let patients: PatientCase[];

// Units of two organisations: the region's wards and a municipality's home health care.
const UNITS = [WARD_KAROLINSKA_GERIATRIK, WARD_KAROLINSKA_MEDICIN, HSL_SODERMALM];

/**
 * Instants where a Stockholm day and a UTC month part ways: the 1st's first hour lies in
 * the previous UTC month (23:00Z in winter, 22:00Z in summer), and the day summer time
 * ends has 25 hours.
 */
const AROUND = [
  '2026-03-31T21:30:00Z', // 1 April begins at 22:00Z (summer time)
  '2026-10-25T00:30:00Z', // 25 October, 25 hours
  '2026-10-31T22:30:00Z', // 1 November begins at 23:00Z (winter time)
  '2026-11-30T23:00:00Z', // 1 December begins exactly here
].map((t) => new Date(t).getTime());
const PERIOD = { from: '2026-03-29T00:00:00Z', to: '2026-12-03T00:00:00Z' };

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
  officer = await server.clientFor(WARD_DANDERYD_ORTOPEDI, {
    roles: ['SECURITY_OFFICER'],
    name: 'Rut Region',
  });
  patients = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 5 });
  expect(patients).toHaveLength(5);
}, 120_000);
afterAll(async () => {
  await app?.end();
  await server?.close();
});

const append = fc.record({
  unit: fc.constantFrom(...UNITS),
  at: fc.tuple(fc.constantFrom(...AROUND), fc.integer({ min: -150, max: 150 })),
  // Indices into `patients`; -1 is a register look-up of a person who is not a patient.
  who: fc.uniqueArray(fc.integer({ min: -1, max: 4 }), { minLength: 1, maxLength: 4 }),
  outcome: fc.constantFrom('SUCCESS', 'SUCCESS', 'DENIED', 'FAILED' as const),
});

it('keeps the set equal to the log after any mix of appends, and the review counts from it', {
  timeout: 300_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(append, { minLength: 1, maxLength: 6 }), async (appends) => {
      for (const a of appends) {
        const at = new Date(a.at[0] + a.at[1] * 60_000);
        await appendAccesses(
          app,
          {
            requestId: `day-patients-${Math.random().toString(36).slice(2)}`,
            operationName: 'DayPatients',
            principal: principalFor(a.unit, ['WARD_STAFF'], 'Test Person'),
          },
          a.who.map((i) => ({
            patientId: i < 0 ? null : patients[i]!.patientId,
            caseId: i < 0 ? null : patients[i]!.caseId,
            personalIdentityNumber: i < 0 ? '191212121212' : null,
            categories: ['IDENTITY'],
            activity: 'READ',
            outcome: a.outcome as 'SUCCESS' | 'DENIED' | 'FAILED',
            emergencyAccess: false,
          })),
          at,
        );
      }
      expect(await dayPatientSetDifference(server.owner)).toEqual({ extra: 0, missing: 0 });
    }),
    { numRuns: 12 },
  );

  // The review's per-row numbers, read through GraphQL, are the log's recount.
  const rows = await allAccessLogRows(officer, PERIOD, 100);
  expect(rows.length).toBeGreaterThan(20);
  const expected = await recountPatientsThatDay(
    server.owner,
    rows.map((r) => r.id),
  );
  expect(rows.map((r) => [r.id, r.userPatientsThatDay])).toEqual(
    rows.map((r) => [r.id, expected.get(r.id)]),
  );
  expect(new Set(rows.map((r) => r.userPatientsThatDay)).size).toBeGreaterThan(1);
  // The hash chains are the set's concern in no way: every month still verifies.
  expect((await verifyAccessLog(server.owner)).ok).toBe(true);
});

it('purges a month of the set with its month of the log, and leaves the next month exact', {
  timeout: 180_000,
}, async () => {
  // 00:30 on 1 December 2021 in Stockholm is 23:30Z on 30 November: November's partition,
  // December's Stockholm day. As of 2 December 2026 November 2021 is due (from 1 December
  // 2026, the day its last instant had its five years), December is not.
  const user = principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Test Person');
  const write = (at: string, who: PatientCase[]) =>
    appendAccesses(
      app,
      { requestId: `purge-${at}`, operationName: 'DayPatients', principal: user },
      who.map((p) => ({
        patientId: p.patientId,
        caseId: p.caseId,
        personalIdentityNumber: null,
        categories: ['IDENTITY'],
        activity: 'READ',
        outcome: 'SUCCESS',
        emergencyAccess: false,
      })),
      new Date(at),
    );
  await write('2021-11-15T09:00:00Z', [patients[0]!, patients[1]!]);
  await write('2021-11-30T23:30:00Z', [patients[0]!, patients[1]!, patients[2]!]);
  await write('2021-12-01T09:00:00Z', [patients[2]!, patients[3]!]);
  const dayCount = async () =>
    (
      await server.owner.query<{ n: number }>(
        `SELECT count(DISTINCT patient_id)::int AS n FROM access_log_day_patient
         WHERE user_hsa_id = $1 AND day = '2021-12-01'`,
        [user.hsaId],
      )
    ).rows[0]!.n;
  expect(await dayCount()).toBe(4);

  const run = await runRetentionCli(server.databaseUrl, ['run', '--as-of', '2026-12-02']);
  expect(run.code, run.report?.error ?? run.stderr).toBe(0);
  const verified = await verifyAccessLog(server.owner);
  expect(verified.ok).toBe(true);
  expect(verified.sealedAndDropped).toContain('2021-11');

  const { rows: tables } = await server.owner.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = 'access_log_day_patient_partition' AND c.relkind = 'r'
       AND c.relname LIKE '%2021%' ORDER BY 1`,
  );
  expect(tables.map((t) => t.name)).toEqual(['access_log_day_patient_2021_12']);
  // No row of the set without its month of the log, and the set still the log's projection:
  // 1 December now counts the two patients of December's rows only, as a recount does.
  const { rows: orphans } = await server.owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM access_log_day_patient v
     WHERE NOT EXISTS (SELECT 1 FROM access_log l WHERE l.time >= v.log_month::timestamp AT TIME ZONE 'UTC'
                         AND l.time < (v.log_month + interval '1 month')::timestamp AT TIME ZONE 'UTC')`,
  );
  expect(orphans[0]!.n).toBe(0);
  expect(await dayPatientSetDifference(server.owner)).toEqual({ extra: 0, missing: 0 });
  expect(await dayCount()).toBe(2);
});
