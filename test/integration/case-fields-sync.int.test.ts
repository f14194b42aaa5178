import { isThenable } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { type GraphQLFieldResolver, type GraphQLObjectType, print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { CaseByIdDocument, CaseListNestedDocument } from '../generated/graphql.js';
import { SOC_SOLNA } from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 17: `cases` and `case` hand the field guard its cases' facts before the cases'
 * fields are resolved (the facts come with the case statement, src/graphql/case-facts-query.ts,
 * and `decideCases` in src/graphql/field-guard.ts takes them), so every guarded field of a
 * case is answered without a promise and graphql-js need not await each case object.
 */
let server: TestServer;
let token: string;

const caseType = schema.getType('Case') as GraphQLObjectType;
const originals = new Map<string, GraphQLFieldResolver<unknown, unknown>>();
/** Per Case field: how often it was resolved, and how often its answer was a promise. */
const answers = new Map<string, { calls: number; promises: number }>();

/** Counts the answers of every Case field the server resolves from now on. */
function watchCaseFields(): void {
  for (const field of Object.values(caseType.getFields())) {
    const resolve = field.resolve;
    if (!resolve) continue;
    originals.set(field.name, resolve);
    field.resolve = (parent, args, ctx, info) => {
      const answer = resolve(parent, args, ctx, info);
      const seen = answers.get(field.name) ?? { calls: 0, promises: 0 };
      seen.calls += 1;
      if (isThenable(answer)) seen.promises += 1;
      answers.set(field.name, seen);
      return answer;
    };
  }
}

beforeAll(async () => {
  server = await startTestServer();
  token = await server.tokenFor(principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Test'));
});
afterEach(() => {
  for (const [name, resolve] of originals) caseType.getFields()[name]!.resolve = resolve;
  originals.clear();
  answers.clear();
});
afterAll(() => server?.close());

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data: Record<string, unknown>;
    errors?: unknown;
    extensions: { sqlStatements: number };
  };
  expect(body.errors).toBeUndefined();
  return body;
}

/**
 * Case fields that were answered with a promise. None is: even `dischargeInformation`,
 * whose event is a relation of the case, loaded with it.
 */
function promisedFields(): string[] {
  return [...answers].filter(([, seen]) => seen.promises > 0).map(([name]) => name);
}

describe('the guard’s case facts, decided with the cases', () => {
  it('answers every field of a listed case without a promise', async () => {
    watchCaseFields();
    const body = await post(print(CaseListNestedDocument), { first: 20 });
    const edges = (body.data.cases as { edges: unknown[] }).edges;
    expect(edges.length).toBeGreaterThan(1);
    expect(answers.get('reference')?.calls).toBe(edges.length);
    expect(answers.get('events')?.calls).toBe(edges.length);
    expect(promisedFields()).toEqual([]);
  });

  it('answers every field of a case in detail without a promise, fragments included', async () => {
    const { rows } = await server.owner.query<{ id: string }>(
      `SELECT c.id FROM "case" c JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
       JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
       WHERE c.discharged_at IS NOT NULL AND c.consent = 'GIVEN' ORDER BY c.reference LIMIT 1`,
      [SOC_SOLNA],
    );
    expect(rows.length).toBe(1);
    watchCaseFields();
    // CaseById reads most fields through the CaseSummary fragment; the case is discharged
    // and its medical fields readable, so its information vid utskrivning is answered.
    const body = await post(print(CaseByIdDocument), { id: encodeGlobalID('Case', rows[0]!.id) });
    expect(answers.get('status')?.calls).toBe(1);
    expect(answers.get('notes')?.calls).toBe(1);
    expect(body.data.case).toMatchObject({ dischargeInformation: { summary: expect.any(String) } });
    expect(promisedFields()).toEqual([]);
    // An inline fragment on Case counts as well.
    answers.clear();
    await post(
      'query($first: Int) { cases(first: $first) { edges { node { ... on Case { status } } } } }',
      {
        first: 5,
      },
    );
    expect(answers.get('status')?.calls).toBeGreaterThan(0);
    expect(promisedFields()).toEqual([]);
  });
});
