import { encodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseByIdDocument, CaseListNestedDocument } from '../generated/graphql.js';
import { SOC_SOLNA } from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * No N+1: the nested case list (units, patient, latest care plan, events) costs a number
 * of SQL statements that does not grow with the page size, and a case in full detail one
 * that does not grow with its care plans. The server reports each
 * request's count in `extensions.sqlStatements` (EXPOSE_SQL_COUNT, on in tests).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function statementsFor(
  token: string,
  first: number,
): Promise<{ statements: number; cases: number }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(CaseListNestedDocument), variables: { first } }),
  });
  const body = (await response.json()) as {
    data: {
      cases: { edges: { node: { events: { edges: unknown[] }; latestCarePlan: unknown } }[] };
    };
    extensions: { sqlStatements: number };
    errors?: unknown;
  };
  expect(body.errors).toBeUndefined();
  return { statements: body.extensions.sqlStatements, cases: body.data.cases.edges.length };
}

describe('the 50-case nested list', () => {
  it('runs the same bounded number of statements for 1, 10 and 50 cases', async () => {
    // Give one unit 50+ cases: take part in every demo case as social services of Solna.
    await server.owner.query(
      `INSERT INTO case_party (case_id, unit_id, role, joined_at)
       SELECT c.id, u.id, 'MUNICIPAL_SOCIAL_SERVICES', now() FROM "case" c, unit u
       WHERE u.hsa_id = $1 AND NOT EXISTS (
         SELECT 1 FROM case_party p WHERE p.case_id = c.id AND p.unit_id = u.id AND p.left_at IS NULL)`,
      [SOC_SOLNA],
    );
    const token = await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Test'));
    // The first request also looks up the acting unit (then cached for 30 s): not counted.
    await statementsFor(token, 1);
    const one = await statementsFor(token, 1);
    const ten = await statementsFor(token, 10);
    const fifty = await statementsFor(token, 50);
    expect([one.cases, ten.cases, fifty.cases]).toEqual([1, 10, 50]);
    expect(ten.statements).toBe(one.statements);
    expect(fifty.statements).toBe(one.statements);
    // The number itself, so a change that adds statements is noticed in review: the two
    // candidate queries, the page with its cases' facts for the field guard
    // (src/graphql/case-facts-query.ts), the access log.
    expect(fifty.statements).toBeLessThanOrEqual(4);
    process.stdout.write(`50-case nested list: ${fifty.statements} SQL statements\n`);
  });
});

describe('a case in full detail', () => {
  it('runs the same number of statements however many care plans the case has', async () => {
    const { rows } = await server.owner.query<{ id: string; unit_id: string }>(
      `SELECT c.id, u.id AS unit_id FROM "case" c
       JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
       JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
       ORDER BY c.reference LIMIT 1`,
      [SOC_SOLNA],
    );
    const caseId = rows[0]!.id;
    const token = await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Test'));
    const detail = async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: print(CaseByIdDocument),
          variables: { id: encodeGlobalID('Case', caseId) },
        }),
      });
      const body = (await response.json()) as {
        data: {
          case: {
            carePlans: { current: { version: number }; versions: { version: number }[] }[];
          };
        };
        extensions: { sqlStatements: number };
        errors?: unknown;
      };
      expect(body.errors).toBeUndefined();
      return { statements: body.extensions.sqlStatements, plans: body.data.case.carePlans };
    };
    await detail();
    const before = await detail();
    // Three more plans of three versions each.
    for (let plan = 0; plan < 3; plan++) {
      const { rows: created } = await server.owner.query<{ id: string }>(
        `INSERT INTO care_plan (case_id, kind, created_at) VALUES ($1, 'CARE_PLAN', now()) RETURNING id`,
        [caseId],
      );
      for (let version = 1; version <= 3; version++) {
        await server.owner.query(
          `INSERT INTO care_plan_version (care_plan_id, version, status, summary, author_hsa_id,
             author_name, author_unit_id, created_at)
           VALUES ($1, $2, 'DRAFT', 'Plan', 'SE2321000016-TEST', 'Test', $3, now())`,
          [created[0]!.id, version, rows[0]!.unit_id],
        );
      }
    }
    const after = await detail();
    expect(after.plans.length).toBe(before.plans.length + 3);
    expect(after.statements).toBe(before.statements);
    // The case with its facts for the field guard in one statement, and the access log.
    expect(before.statements).toBeLessThanOrEqual(2);
    // `current` is still each plan's latest version.
    for (const plan of after.plans) {
      expect(plan.current.version).toBe(Math.max(...plan.versions.map((v) => v.version)));
    }
  });
});
