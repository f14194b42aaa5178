import { encodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics/registry.js';
import { AddNoteDocument, CaseByIdDocument } from '../generated/graphql.js';
import { SOC_SOLNA } from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * The kept plans of `case(id:)` (src/graphql/plan-cache.ts): a plan is played again only
 * for a request that reads the same of its context and variables, answers as a fresh plan
 * would with the same statements, and a plan that read what a list cannot hold is never kept.
 */
let server: TestServer;
let caseId: string;
let otherCaseId: string;
let socialToken: string;
let wardToken: string;

interface Answer {
  data: { case: Record<string, unknown> | null };
  statements: number;
}

async function ask(token: string, query: string, variables: object): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Answer['data'] extends infer D
    ? { data: D; errors?: unknown; extensions: { sqlStatements: number } }
    : never;
  expect(body.errors).toBeUndefined();
  return { data: body.data, statements: body.extensions.sqlStatements };
}

/** How often each outcome happened during `run`. */
async function plansDuring(run: () => Promise<void>): Promise<Record<string, number>> {
  const count = async () => {
    const metric = await registry.getSingleMetric('brygga_graphql_query_plans_total')!.get();
    return new Map(metric.values.map((v) => [String(v.labels.outcome), v.value]));
  };
  const before = await count();
  await run();
  const after = await count();
  const delta: Record<string, number> = {};
  for (const [outcome, value] of after) {
    const d = value - (before.get(outcome) ?? 0);
    if (d !== 0) delta[outcome] = d;
  }
  return delta;
}

const notesOf = (a: Answer) => (a.data.case!.notes as { text: string }[]).map((n) => n.text);

beforeAll(async () => {
  server = await startTestServer();
  // Two cases where Solna's social services and a ward (another organisation) take part.
  const { rows } = await server.owner.query<{ id: string; ward: string }>(
    `SELECT c.id, w.hsa_id AS ward FROM "case" c
     JOIN case_party s ON s.case_id = c.id AND s.left_at IS NULL
     JOIN unit su ON su.id = s.unit_id AND su.hsa_id = $1
     JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL AND p.role = 'WARD'
     JOIN unit w ON w.id = p.unit_id
     WHERE (SELECT count(*) FROM case_event e WHERE e.case_id = c.id) >= 3
     ORDER BY c.reference LIMIT 2`,
    [SOC_SOLNA],
  );
  expect(rows).toHaveLength(2);
  caseId = encodeGlobalID('Case', rows[0]!.id);
  otherCaseId = encodeGlobalID('Case', rows[1]!.id);
  socialToken = await server.tokenFor(
    principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Social Solna'),
  );
  wardToken = await server.tokenFor(principalFor(rows[0]!.ward, ['WARD_STAFF'], 'Ward'));
  const social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  for (const [text, locked] of [
    ['Till alla', false],
    ['Bara kommunen', true],
  ] as const) {
    const { addNote } = await social.request(AddNoteDocument, {
      input: { caseId, text, lockedToOrganization: locked },
    });
    expect(addNote.__typename).toBe('AddNoteSuccess');
  }
});
afterAll(() => server?.close());

describe('kept plans of a case', () => {
  it('are played only for a reader whose context reads the same: a locked note stays in its organisation', async () => {
    const query = /* GraphQL */ `
      query PlanNotes($id: ID!) { case(id: $id) { reference notes { text } } }
    `;
    const seen: string[][] = [];
    const outcomes = [];
    for (const token of [socialToken, wardToken, socialToken, wardToken]) {
      outcomes.push(
        await plansDuring(async () => {
          seen.push(notesOf(await ask(token, query, { id: caseId })));
        }),
      );
    }
    expect(seen).toEqual([
      ['Till alla', 'Bara kommunen'],
      ['Till alla'],
      ['Till alla', 'Bara kommunen'],
      ['Till alla'],
    ]);
    // The ward's organisation reads differently, so it gets a plan of its own; then each
    // organisation's plan is played again.
    expect(outcomes).toEqual([{ planned: 1 }, { planned: 1 }, { kept: 1 }, { kept: 1 }]);
  });

  it('are played for another case, with what the plan read of the variables the same', async () => {
    const query = /* GraphQL */ `
      query PlanVariables($id: ID!, $first: Int!, $withNotes: Boolean!) {
        case(id: $id) {
          events(first: $first) { edges { node { id } } }
          notes @include(if: $withNotes) { text }
        }
      }
    `;
    const eventsOf = (a: Answer) => (a.data.case!.events as { edges: unknown[] }).edges.length;
    const runs: { variables: object; events: number; notes: boolean; plans: object }[] = [];
    for (const variables of [
      { id: caseId, first: 1, withNotes: false },
      { id: otherCaseId, first: 1, withNotes: false },
      { id: caseId, first: 3, withNotes: false },
      { id: caseId, first: 1, withNotes: true },
      { id: caseId, first: 3, withNotes: false },
    ]) {
      let answer: Answer | undefined;
      const plans = await plansDuring(async () => {
        answer = await ask(socialToken, query, variables);
      });
      runs.push({
        variables,
        events: eventsOf(answer!),
        notes: answer!.data.case!.notes !== undefined,
        plans,
      });
    }
    expect(runs.map(({ events, notes, plans }) => ({ events, notes, plans }))).toEqual([
      { events: 1, notes: false, plans: { planned: 1 } },
      // Only the case differs, and the plan did not read it.
      { events: 1, notes: false, plans: { kept: 1 } },
      { events: 3, notes: false, plans: { planned: 1 } },
      { events: 1, notes: true, plans: { planned: 1 } },
      { events: 3, notes: false, plans: { kept: 1 } },
    ]);
  });

  it('answer a case in full as a fresh plan does, with the same statements', async () => {
    const query = print(CaseByIdDocument);
    let first: Answer | undefined;
    let again: Answer | undefined;
    const planned = await plansDuring(async () => {
      first = await ask(socialToken, query, { id: otherCaseId });
    });
    const kept = await plansDuring(async () => {
      again = await ask(socialToken, query, { id: otherCaseId });
    });
    expect(planned).toEqual({ planned: 1 });
    expect(kept).toEqual({ kept: 1 });
    expect(again!.data).toEqual(first!.data);
    // A relation below whose plan was not recorded on the request would load on its own.
    expect(again!.statements).toBe(first!.statements);
  });

  it('are not kept when the plan read what a list of reads cannot hold', async () => {
    // The patient's cases are planned with the case row rule, which reads the caller's
    // roles (an array) and asks `ctx.now()` (a function: emergency access ends at a time).
    const query = /* GraphQL */ `
      query PlanPatientCases($id: ID!) {
        case(id: $id) { patient { cases(first: 5) { edges { node { reference } } } } }
      }
    `;
    const outcomes = [];
    for (let i = 0; i < 2; i++) {
      outcomes.push(
        await plansDuring(() => ask(socialToken, query, { id: caseId }).then(() => {})),
      );
    }
    expect(outcomes).toEqual([{ not_kept: 1 }, { not_kept: 1 }]);
  });
});
