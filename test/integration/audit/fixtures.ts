import { decodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import type { AccessActivity } from '../../../src/audit/access-recorder.js';
import { RequestAccessLog } from '../../../src/audit/request-access-log.js';
import { appendAccesses } from '../../../src/audit/writer.js';
import type { Role } from '../../../src/authz/roles.js';
import {
  AccessLogDocument,
  type AccessLogFilter,
  type AccessLogQuery,
} from '../../generated/graphql.js';
import { principalFor, type TestServer } from '../../support/server.js';

/** Helpers for the access-log tests: write rows as the API role would, at a chosen time. */

export function appConnection(server: TestServer): pg.Pool {
  return new pg.Pool({
    connectionString: server.databaseUrl,
    options: '-c role=brygga_app -c timezone=UTC',
    max: 8,
  });
}

export interface PatientCase {
  patientId: string;
  caseId: string;
  personalIdentityNumber: string;
  protectedIdentity: boolean;
}

/** Patients with a case where the unit is a current party (or not, with `party: false`). */
export async function patientsOf(
  server: TestServer,
  unitHsaId: string,
  options: { party?: boolean; protectedIdentity?: boolean; limit?: number } = {},
): Promise<PatientCase[]> {
  const { rows } = await server.owner.query<PatientCase>(
    `SELECT DISTINCT ON (p.id) p.id AS "patientId", c.id AS "caseId",
            p.personal_identity_number AS "personalIdentityNumber",
            p.protected_identity AS "protectedIdentity"
     FROM patient p JOIN "case" c ON c.patient_id = p.id
     WHERE ($2::boolean IS NULL OR p.protected_identity = $2)
       AND (EXISTS (SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id
                    WHERE cp.case_id = c.id AND u.hsa_id = $1 AND cp.left_at IS NULL)) = $3
       AND (EXISTS (SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id JOIN "case" c2 ON c2.id = cp.case_id
                    WHERE c2.patient_id = p.id AND u.hsa_id = $1 AND cp.left_at IS NULL)) = $3
     ORDER BY p.id, c.id
     LIMIT $4`,
    [unitHsaId, options.protectedIdentity ?? null, options.party ?? true, options.limit ?? 100],
  );
  return rows;
}

/** Writes one request's accesses through the real writer, as the API role. */
export async function writeAccesses(
  db: pg.Pool,
  input: {
    unitHsaId: string;
    roles?: Role[];
    name?: string;
    at: Date;
    patients: readonly { patientId: string; caseId: string | null }[];
    activity?: AccessActivity;
    emergencyAccess?: boolean;
    outcome?: 'SUCCESS' | 'DENIED';
    requestId?: string;
    operationName?: string;
  },
): Promise<number> {
  const log = new RequestAccessLog();
  for (const p of input.patients) {
    log.record({
      patientId: p.patientId,
      caseId: p.caseId,
      categories: ['IDENTITY', 'PLANNING'],
      activity: input.activity ?? 'READ',
      emergencyAccess: input.emergencyAccess,
      outcome: input.outcome,
    });
  }
  return appendAccesses(
    db,
    {
      requestId: input.requestId ?? `test-${Math.random().toString(36).slice(2)}`,
      operationName: input.operationName ?? 'TestOperation',
      principal: principalFor(
        input.unitHsaId,
        input.roles ?? ['WARD_STAFF'],
        input.name ?? 'Test Person',
      ),
    },
    log.collected(),
    input.at,
  );
}

export async function failure(db: pg.Pool | pg.Client, sql: string): Promise<string> {
  try {
    await db.query(sql);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

/** Every row of an officer's log search, page after page through GraphQL. */
export async function allAccessLogRows(
  client: GraphQLClient,
  filter: AccessLogFilter,
  first = 20,
): Promise<AccessLogQuery['accessLog']['edges'][number]['node'][]> {
  const nodes = [];
  let after: string | null | undefined = null;
  for (;;) {
    const page: AccessLogQuery = await client.request(AccessLogDocument, { filter, first, after });
    nodes.push(...page.accessLog.edges.map((e) => e.node));
    if (!page.accessLog.pageInfo.hasNextPage) return nodes;
    after = page.accessLog.pageInfo.endCursor;
  }
}

/**
 * Each row's "patients that user touched that day" counted from the log itself, row by
 * row, independently of the review's batched count and of its per-day patient set; keyed
 * by the rows' global ids (`AccessLogEntry.id`), as the review answers them.
 */
export async function recountPatientsThatDay(
  owner: pg.ClientBase,
  globalIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = globalIds.map((id) => decodeGlobalID(id).id);
  const { rows } = await owner.query<{ id: string; patients: number }>(
    `SELECT l.id::text, (
       SELECT count(DISTINCT o.patient_id)::int FROM access_log o
       WHERE o.user_hsa_id = l.user_hsa_id AND o.provider_hsa_id = l.provider_hsa_id
         AND (o.time AT TIME ZONE 'Europe/Stockholm')::date = (l.time AT TIME ZONE 'Europe/Stockholm')::date
     ) AS patients
     FROM access_log l WHERE l.id = ANY ($1::uuid[])`,
    [ids],
  );
  const patients = new Map(rows.map((r) => [r.id, r.patients]));
  return new Map(globalIds.map((id, i) => [id, patients.get(ids[i]!)!]));
}

/**
 * Rows of the per-day patient set (access_log_day_patient) missing from the log's own
 * projection, and the other way round: both 0 when the set is exactly what the log implies.
 */
export async function dayPatientSetDifference(
  owner: pg.ClientBase,
): Promise<{ extra: number; missing: number }> {
  const projection = `SELECT DISTINCT user_hsa_id::text, provider_hsa_id::text,
      (time AT TIME ZONE 'Europe/Stockholm')::date AS day, patient_id,
      (date_trunc('month', time, 'UTC') AT TIME ZONE 'UTC')::date AS log_month
    FROM access_log WHERE patient_id IS NOT NULL`;
  const set = `SELECT user_hsa_id::text, provider_hsa_id::text, day, patient_id, log_month
    FROM access_log_day_patient`;
  const { rows } = await owner.query<{ extra: number; missing: number }>(
    `SELECT (SELECT count(*)::int FROM (${set} EXCEPT ALL ${projection}) x) AS extra,
            (SELECT count(*)::int FROM (${projection} EXCEPT ALL ${set}) y) AS missing`,
  );
  return rows[0]!;
}
