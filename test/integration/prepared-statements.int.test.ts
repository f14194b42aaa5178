import { encodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessLogDocument,
  CaseByIdDocument,
  CaseListNestedDocument,
} from '../generated/graphql.js';
import { SOC_SOLNA } from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * The case in full detail, its discharge event and the log review's search and volume
 * count are prepared statements (src/db/statement-names.ts): each connection parses them
 * once and runs them again with new values. So are the case list's page, found by its
 * candidates' ids with its row rules narrowed to them, and the read of the caller's
 * emergency grants. The candidates of the unit are not: a plan kept for one unit's values
 * can walk the whole case table for another's (a unit's first cases).
 */
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ DATABASE_POOL_SIZE: '2' });
  token = await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Test'));
});
afterAll(() => server?.close());

async function graphql(
  query: string,
  variables: Record<string, unknown>,
  bearer = token,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: Record<string, unknown>; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** The statements the API's connections hold prepared, with how often each ran. */
async function prepared(): Promise<Map<string, number>> {
  const pool = server.db.pool;
  const clients = await Promise.all([pool.connect(), pool.connect()]);
  const runs = new Map<string, number>();
  try {
    for (const client of clients) {
      const { rows } = await client.query<{ statement: string; runs: string }>(
        `SELECT statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements`,
      );
      for (const row of rows) {
        runs.set(row.statement, (runs.get(row.statement) ?? 0) + Number(row.runs));
      }
    }
  } finally {
    for (const client of clients) client.release();
  }
  return runs;
}

describe('prepared statements', () => {
  it('prepares the case detail, the case list’s page and grants, not the unit’s candidates', async () => {
    const { rows } = await server.owner.query<{ id: string }>(
      `SELECT c.id FROM "case" c
       JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
       JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
       ORDER BY c.reference LIMIT 3`,
      [SOC_SOLNA],
    );
    expect(rows.length).toBe(3);
    const detail = print(CaseByIdDocument);
    for (let round = 0; round < 3; round++) {
      for (const { id } of rows) await graphql(detail, { id: encodeGlobalID('Case', id) });
    }
    const list = print(CaseListNestedDocument);
    for (let round = 0; round < 4; round++) await graphql(list, { first: 2 });

    const runs = await prepared();
    const statements = [...runs.keys()];
    // Both are compiled reads (src/db/compiled-read/): one statement each, built by us.
    const caseDetail = statements.filter((s) =>
      /FROM "public"\."case" AS t0 WHERE .*t0\."id" = \$/s.test(s),
    );
    const discharge = statements.filter((s) => /FROM "public"\."case_event" AS "?t0"?/.test(s));
    const grants = statements.filter((s) =>
      /^SELECT case_id AS "caseId" FROM emergency_access/.test(s),
    );
    const page = statements.filter((s) =>
      /FROM "public"\."case" AS t0 WHERE .*t0\."id" = ANY\(/s.test(s),
    );
    // One text, run again with new values: nine case reads. The discharge event (the
    // information vid utskrivning) is a relation of the case, read in the same statement,
    // never by a statement of its own.
    expect(caseDetail.length).toBe(1);
    expect(runs.get(caseDetail[0]!)).toBe(9);
    expect(caseDetail[0]).toMatch(/t\d+\."id" = t0\."discharge_event_id"/);
    expect(discharge).toEqual([]);
    // The list’s page: one text for the four reads (two cases and one more to tell whether
    // a next page exists: three candidates, padded to four ids).
    expect(page.length).toBe(1);
    expect(runs.get(page[0]!)).toBe(4);
    expect(grants.length).toBe(1);
    expect(runs.get(grants[0]!)).toBe(4);
    // Nothing else: the unit's candidates (its first cases) are planned each time.
    expect(statements.length).toBe(3);
  });

  it('prepares the log review’s search and its volume count, one text per filter shape', async () => {
    // The reads above wrote the social services' log rows; their municipality's officer
    // reviews them by patient, three patients three times, then by user.
    const officer = await server.tokenFor(
      principalFor(SOC_SOLNA, ['SECURITY_OFFICER'], 'Olle Officer'),
    );
    const { rows: patients } = await server.owner.query<{ patientId: string }>(
      `SELECT DISTINCT patient_id AS "patientId" FROM access_log
        WHERE unit_hsa_id = $1 AND patient_id IS NOT NULL ORDER BY 1 LIMIT 3`,
      [SOC_SOLNA],
    );
    expect(patients.length).toBe(3);
    const search = print(AccessLogDocument);
    for (let round = 0; round < 3; round++) {
      for (const { patientId } of patients) {
        const data = await graphql(search, { filter: { patientId }, first: 10 }, officer);
        expect((data.accessLog as { edges: unknown[] }).edges.length).toBeGreaterThan(0);
      }
    }
    const byUser = { filter: { userHsaId: principalFor(SOC_SOLNA, [], 'Test').hsaId }, first: 5 };
    await graphql(search, byUser, officer);
    await graphql(search, byUser, officer);

    const runs = await prepared();
    const searches = [...runs.keys()].filter((s) => /FROM access_log l\s+WHERE/.test(s));
    const counts = [...runs.keys()].filter((s) => /FROM access_log_day_patient v/.test(s));
    // By patient (nine runs) and by user (two): a text each, parsed once per connection.
    expect(searches.map((s) => runs.get(s)).sort()).toEqual([2, 9]);
    expect(searches.find((s) => s.includes('l.patient_id = $'))).toBeDefined();
    // The volume count is one text for every page, whatever the filter.
    expect(counts.map((s) => runs.get(s))).toEqual([11]);
  });
});
