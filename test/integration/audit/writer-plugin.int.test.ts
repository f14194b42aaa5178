import { decodeGlobalID } from '@pothos/plugin-relay';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import {
  AccessLogDocument,
  CaseListNestedDocument,
  SearchUnitsDocument,
} from '../../generated/graphql.js';
import { REGION, VC_SODERMALM, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { appConnection, patientsOf, writeAccesses } from './fixtures.js';

/**
 * The writer in the real server: rows are committed before the response leaves, one per
 * patient returned; nothing is written for a request without patients; and when the log
 * cannot be written the response carries no data, only ACCESS_LOG_UNAVAILABLE.
 */
let server: TestServer;
let ward: GraphQLClient;
let officer: GraphQLClient;

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { name: 'Anna Berg' });
  officer = await server.clientFor(VC_SODERMALM, {
    roles: ['SECURITY_OFFICER'],
    name: 'Olle Säker',
  });
  // Something for the officer to read.
  const app = appConnection(server);
  await writeAccesses(app, {
    unitHsaId: WARD_KAROLINSKA_GERIATRIK,
    at: new Date('2026-10-06T08:00:00Z'),
    patients: await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 2 }),
  });
  await app.end();
});
afterAll(() => server?.close());

async function rowsOfRequest(requestId: string) {
  const { rows } = await server.owner.query<{
    patient_id: string;
    activity: string;
    outcome: string;
    categories: string[];
    user_hsa_id: string;
    user_name: string;
    unit_hsa_id: string;
    provider_hsa_id: string;
    operation_name: string | null;
  }>('SELECT * FROM access_log WHERE request_id = $1 ORDER BY chain_position', [requestId]);
  return rows;
}

async function logRowCount(): Promise<number> {
  const { rows } = await server.owner.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM access_log',
  );
  return rows[0]!.n;
}

async function failedWith(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('the request did not fail');
}

describe('through HTTP', () => {
  it('writes one row per patient a case list returns, before the response, with the request id', async () => {
    const result = await ward.request(
      CaseListNestedDocument,
      { first: 10 },
      { 'x-request-id': 'http-list-1' },
    );
    const returned = new Set(
      result.cases.edges
        .map((e) => e.node.patient?.id)
        .filter((id): id is string => typeof id === 'string')
        .map((id) => decodeGlobalID(id).id),
    );
    expect(returned.size).toBeGreaterThan(0);
    // The response is only sent after the commit, so the rows are there already.
    const rows = await rowsOfRequest('http-list-1');
    expect(new Set(rows.map((r) => r.patient_id))).toEqual(returned);
    expect(rows).toHaveLength(returned.size);
    for (const row of rows) {
      expect(row).toMatchObject({
        activity: 'READ',
        outcome: 'SUCCESS',
        user_hsa_id: `${WARD_KAROLINSKA_GERIATRIK}P1`,
        user_name: 'Anna Berg',
        unit_hsa_id: WARD_KAROLINSKA_GERIATRIK,
        provider_hsa_id: REGION,
        operation_name: 'CaseListNested',
      });
      // The patient's name and personnummer were in the selection.
      expect(row.categories.some((c) => c === 'IDENTITY' || c === 'PROTECTED_IDENTITY')).toBe(true);
    }
  });

  it('writes each of many requests at once exactly its own rows, before its response, in one intact chain', async () => {
    // Requests answered together may share one access_log_append call (group commit);
    // whether they do depends on timing, what each must get does not.
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const requestId = `http-together-${i}`;
        const result = await ward.request(
          CaseListNestedDocument,
          { first: 1 + (i % 4) },
          {
            'x-request-id': requestId,
          },
        );
        // Read as the response arrives: the rows were committed before it left.
        return { requestId, result, rows: await rowsOfRequest(requestId) };
      }),
    );
    for (const { result, rows } of results) {
      const returned = result.cases.edges
        .map((e) => e.node.patient?.id)
        .filter((id): id is string => typeof id === 'string')
        .map((id) => decodeGlobalID(id).id);
      expect(returned.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.patient_id).sort()).toEqual([...new Set(returned)].sort());
      for (const row of rows) expect(row.operation_name).toBe('CaseListNested');
    }
    const app = appConnection(server);
    try {
      const report = await verifyAccessLog(app);
      expect(report.broken).toBeNull();
      expect(report.ok).toBe(true);
    } finally {
      await app.end();
    }
  });

  it('writes nothing for a request that touches no patient', async () => {
    const before = await logRowCount();
    await ward.request(SearchUnitsDocument, { first: 5 });
    expect(await logRowCount()).toBe(before);
  });

  it('logs the log review itself: each patient shown to the officer, as AUDIT', async () => {
    const result = await officer.request(
      AccessLogDocument,
      { filter: { to: '2026-11-01T00:00:00Z' } },
      { 'x-request-id': 'http-review-1' },
    );
    const shown = new Set(result.accessLog.edges.map((e) => e.node.patientId));
    expect(shown.size).toBe(2);
    const rows = await rowsOfRequest('http-review-1');
    expect(new Set(rows.map((r) => r.patient_id))).toEqual(shown);
    for (const row of rows) {
      expect(row).toMatchObject({
        activity: 'READ',
        categories: ['AUDIT'],
        user_name: 'Olle Säker',
        operation_name: 'AccessLog',
      });
    }
  });
});

describe('fail closed', () => {
  it('returns no data and ACCESS_LOG_UNAVAILABLE when the log cannot be written', async () => {
    const personnummer = (
      await server.owner.query<{ personal_identity_number: string }>(
        'SELECT personal_identity_number FROM patient',
      )
    ).rows.map((r) => r.personal_identity_number);
    const before = await logRowCount();
    await server.owner.query('REVOKE INSERT ON access_log FROM brygga_app');
    try {
      const attempts = [
        () => ward.request(CaseListNestedDocument, { first: 10 }),
        () => officer.request(AccessLogDocument, { filter: { to: '2026-11-01T00:00:00Z' } }),
      ];
      for (const attempt of attempts) {
        const error = await failedWith(attempt());
        expect(error.response.status).toBe(503);
        expect(error.response.data ?? null).toBeNull();
        expect(error.response.errors).toHaveLength(1);
        expect(error.response.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
        const body = JSON.stringify(error.response);
        for (const pnr of personnummer) expect(body).not.toContain(pnr);
      }
      // A request without patients is not affected.
      await ward.request(SearchUnitsDocument, { first: 1 });
    } finally {
      await server.owner.query('GRANT INSERT ON access_log TO brygga_app');
    }
    expect(await logRowCount()).toBe(before);
    // And answers again once the log can be written.
    const again = await ward.request(CaseListNestedDocument, { first: 3 });
    expect(again.cases.edges.length).toBeGreaterThan(0);
  });

  it('fails closed as well when the database refuses the row itself', async () => {
    await server.owner.query(`CREATE FUNCTION test_refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (test)'; END $$`);
    await server.owner.query(
      'CREATE TRIGGER test_refuse_log BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION test_refuse_log()',
    );
    try {
      // Alone and several at once (which may share one failed statement): each withheld.
      const errors = [
        await failedWith(ward.request(CaseListNestedDocument, { first: 5 })),
        ...(await Promise.all(
          Array.from({ length: 6 }, () =>
            failedWith(ward.request(CaseListNestedDocument, { first: 2 })),
          ),
        )),
      ];
      for (const error of errors) {
        expect(error.response.status).toBe(503);
        expect(error.response.errors?.[0]?.extensions?.code).toBe('ACCESS_LOG_UNAVAILABLE');
        expect(error.response.data ?? null).toBeNull();
        expect(JSON.stringify(error.response)).not.toContain('disk full');
      }
    } finally {
      await server.owner.query('DROP TRIGGER test_refuse_log ON access_log');
    }
  });
});
