import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { appendAccesses, type WrittenAccess } from '../../../src/audit/writer.js';
import { MIGRATIONS_DIR } from '../../../src/db/migrate.js';
import { WARD_DANDERYD_ORTOPEDI, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import {
  allAccessLogRows,
  appConnection,
  dayPatientSetDifference,
  type PatientCase,
  patientsOf,
} from './fixtures.js';

/**
 * Issue 17: migration 20261208100000_access_log_append_per_row_lookups rewrote
 * access_log_append (per-row patient look-up, the per-day set's insert in the function,
 * the canonical text partly built before the lock), and 20261209100000_access_log_time_ordered_ids
 * made its row ids time-ordered. For each rewrite, a month's chain written partly by the
 * previous definition and partly by the new one must verify as one chain, and the same
 * accesses must come out of both with the same stored values, flags and set rows.
 */
const VERSIONS = [
  {
    previous: '20261207300000_access_log_day_patients',
    current: '20261208100000_access_log_append_per_row_lookups',
    month: '2026-11',
    next: '2026-12',
  },
  {
    previous: '20261208100000_access_log_append_per_row_lookups',
    current: '20261209100000_access_log_time_ordered_ids',
    // 3 to 5 February 2026 are weekdays, as 3 to 5 November are: every row is in office hours.
    month: '2026-02',
    next: '2026-03',
  },
];
const LATEST = VERSIONS[VERSIONS.length - 1]!.current;
let server: TestServer;
let app: pg.Pool;
let officer: GraphQLClient;
let party: PatientCase[];
let notParty: PatientCase[];

/** `CREATE OR REPLACE FUNCTION access_log_append ... $$;` as a migration defines it. */
async function appendDefinition(migration: string): Promise<string> {
  const sql = await readFile(join(MIGRATIONS_DIR, migration, 'migration.sql'), 'utf8');
  const start = sql.indexOf('CREATE OR REPLACE FUNCTION access_log_append(');
  const end = sql.indexOf('\n$$;', start);
  if (start < 0 || end < 0) throw new Error(`no access_log_append in ${migration}`);
  return sql.slice(start, end + 4);
}
let latest: string;

beforeAll(async () => {
  server = await startTestServer();
  app = appConnection(server);
  officer = await server.clientFor(WARD_DANDERYD_ORTOPEDI, {
    roles: ['SECURITY_OFFICER'],
    name: 'Rut Region',
  });
  // Patients without protected identity: the expected flags below say which row is
  // protected, and the seed's random ids would otherwise pick a protected one now and then.
  party = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, {
    protectedIdentity: false,
    limit: 3,
  });
  notParty = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, {
    party: false,
    protectedIdentity: false,
    limit: 2,
  });
  expect(party).toHaveLength(3);
  expect(notParty).toHaveLength(2);
  latest = await appendDefinition(LATEST);
}, 120_000);
afterAll(async () => {
  await server?.owner.query(latest).catch(() => undefined);
  await app?.end();
  await server?.close();
});

/**
 * One request's accesses covering every flag the function derives: a party's case and the
 * patient without the case, a non-party's case and patient, a person who is no patient
 * (personnummer only), an access marked protected, a refused one, a name and purpose with
 * characters whose UTF-8 length differs from their length.
 */
function accesses(): WrittenAccess[] {
  const [a, b, c] = party;
  const [x, y] = notParty;
  const access = (
    patient: PatientCase | null,
    withCase: boolean,
    more: Partial<WrittenAccess> = {},
  ): WrittenAccess => ({
    patientId: patient?.patientId ?? null,
    caseId: patient && withCase ? patient.caseId : null,
    personalIdentityNumber: patient ? null : '191212121212',
    categories: ['IDENTITY', 'PLANNING'],
    activity: 'READ',
    outcome: 'SUCCESS',
    emergencyAccess: false,
    ...more,
  });
  return [
    access(a!, true),
    access(b!, false, { categories: ['IDENTITY'] }),
    access(x!, true, { activity: 'CHANGE' }),
    access(y!, false),
    access(null, false, { categories: ['IDENTITY'] }),
    access(c!, true, {
      categories: ['IDENTITY', 'PROTECTED_IDENTITY'],
      outcome: 'DENIED',
      emergencyAccess: true,
    }),
  ];
}

async function append(requestId: string, at: Date): Promise<void> {
  await appendAccesses(
    app,
    {
      requestId,
      operationName: 'AppendVersions',
      principal: principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Åsa Ödmark-Lindström'),
    },
    accesses(),
    at,
  );
}

/** The stored rows of one request, without what differs between two requests. */
async function stored(requestId: string) {
  const { rows } = await server.owner.query(
    `SELECT activity, outcome, user_hsa_id, user_name, unit_hsa_id, provider_hsa_id,
            commission_hsa_id, purpose, patient_id, personal_identity_number, case_id,
            categories, operation_name, emergency_access, protected_identity, not_a_party,
            out_of_hours, time - (SELECT min(time) FROM access_log WHERE request_id = $1) AS offset
     FROM access_log WHERE request_id = $1 ORDER BY chain_position`,
    [requestId],
  );
  return rows;
}

describe.each(VERSIONS)(
  '$previous, then $current',
  ({ previous: before, current: after, month, next }) => {
    let previous: string;
    let current: string;
    beforeAll(async () => {
      previous = await appendDefinition(before);
      current = await appendDefinition(after);
      expect(previous).not.toEqual(current);
    });

    it('chains rows of the previous and the current access_log_append in one month, and both store the same', {
      timeout: 120_000,
    }, async () => {
      // Four requests in one month, alternating the definitions: old, new, old, new, each
      // continuing the chain the other left, two of them on a new Stockholm day (new set rows),
      // all in office hours (out_of_hours is compared too).
      const times = [
        `${month}-03T09:00:00.123Z`,
        `${month}-03T09:00:01.456Z`,
        `${month}-04T10:30:00Z`,
        `${month}-05T12:59:59.999Z`,
      ];
      const ids = times.map(
        (_, i) => `append-versions-${month}-${i}-${Math.random().toString(36).slice(2)}`,
      );
      for (const [i, at] of times.entries()) {
        await server.owner.query(i % 2 === 0 ? previous : current);
        await append(ids[i]!, new Date(at));
      }
      await server.owner.query(current);

      const [first, ...rest] = await Promise.all(ids.map(stored));
      expect(first).toHaveLength(6);
      for (const rows of rest) expect(rows).toEqual(first);
      // The derived flags are what the accesses call for (the test would pass on two equally
      // wrong versions otherwise).
      expect(first!.map((r) => [r.not_a_party, r.protected_identity])).toEqual([
        [false, false],
        [false, false],
        [true, false],
        [true, false],
        [true, false],
        [false, true],
      ]);
      expect(first![4]!.personal_identity_number).toBe('191212121212');
      expect(first![0]!.personal_identity_number).toBe(party[0]!.personalIdentityNumber);

      // One chain through the four requests, without gaps, verified by the independent
      // TypeScript verifier (src/audit/hash-chain.ts recomputes every hash).
      const { rows: positions } = await server.owner.query<{
        request_id: string;
        chain_position: number;
        prev_hash: string;
        previous: string | null;
      }>(
        `SELECT request_id, chain_position, prev_hash,
            lag(hash) OVER (ORDER BY chain_position) AS previous
     FROM access_log WHERE time >= $1::timestamptz AND time < $2::timestamptz ORDER BY chain_position`,
        [`${month}-01Z`, `${next}-01Z`],
      );
      expect(positions.map((p) => p.chain_position)).toEqual(positions.map((_, i) => i + 1));
      for (const p of positions.slice(1)) expect(p.prev_hash).toBe(p.previous);
      expect(positions.filter((p) => ids.includes(p.request_id))).toHaveLength(24);
      const report = await verifyAccessLog(server.owner);
      expect(report.ok).toBe(true);
      expect(await dayPatientSetDifference(server.owner)).toEqual({ extra: 0, missing: 0 });

      // The review reads them through GraphQL (and appends the officer's own row, caseless,
      // with the current definition), and the chain still verifies after it.
      const reviewed = await allAccessLogRows(
        officer,
        {
          patientId: party[0]!.patientId,
          from: `${month}-01T00:00:00Z`,
          to: `${next}-01T00:00:00Z`,
        },
        100,
      );
      expect(
        reviewed.filter((r) => r.requestId !== null && ids.includes(r.requestId)),
      ).toHaveLength(4);
      expect((await verifyAccessLog(server.owner)).ok).toBe(true);
    });

    it('detects a changed row written by either definition', { timeout: 60_000 }, async () => {
      const partition = `access_log_partition.access_log_${month.replace('-', '_')}`;
      const { rows } = await server.owner.query<{
        id: string;
        request_id: string;
      }>(
        `SELECT id, request_id FROM access_log
     WHERE request_id LIKE $1 OR request_id LIKE $2
     ORDER BY chain_position`,
        [`append-versions-${month}-0-%`, `append-versions-${month}-1-%`],
      );
      const oldRow = rows.find((r) => r.request_id.startsWith(`append-versions-${month}-0-`))!;
      const newRow = rows.find((r) => r.request_id.startsWith(`append-versions-${month}-1-`))!;
      for (const row of [oldRow, newRow]) {
        await server.owner.query(`ALTER TABLE ${partition} DISABLE TRIGGER access_log_append_only`);
        try {
          await server.owner.query(
            `UPDATE ${partition} SET purpose = purpose || '.' WHERE id = $1`,
            [row.id],
          );
          const report = await verifyAccessLog(server.owner);
          expect(report.ok).toBe(false);
          await server.owner.query(
            `UPDATE ${partition} SET purpose = left(purpose, -1) WHERE id = $1`,
            [row.id],
          );
          expect((await verifyAccessLog(server.owner)).ok).toBe(true);
        } finally {
          await server.owner.query(
            `ALTER TABLE ${partition} ENABLE TRIGGER access_log_append_only`,
          );
        }
      }
    });
  },
);

it('gives each row a time-ordered id: UUID version 7, the time it was written in its first 48 bits', async () => {
  await server.owner.query(latest);
  const requestId = `append-versions-ids-${Math.random().toString(36).slice(2)}`;
  const before = Date.now();
  await append(requestId, new Date());
  const after = Date.now();
  const { rows } = await server.owner.query<{ id: string }>(
    'SELECT id::text FROM access_log WHERE request_id = $1',
    [requestId],
  );
  expect(rows).toHaveLength(6);
  for (const { id } of rows) {
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const written = Number.parseInt(id.replace('-', '').slice(0, 12), 16);
    // The database's clock and this process's are the machine's; a second either side
    // allows for a clock adjustment, not for timing.
    expect(written).toBeGreaterThanOrEqual(before - 1000);
    expect(written).toBeLessThanOrEqual(after + 1000);
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(6);
  expect((await verifyAccessLog(server.owner)).ok).toBe(true);
});
