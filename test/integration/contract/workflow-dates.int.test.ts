import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateCarePlanDocument,
  DischargeDocument,
  EventDetailsDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: the calendar days of the workflow commands (`estimatedReadyOn`, `dueOn`,
 * `followUpOn`, `homeCareStartsOn`) are the `Date` scalar, so a malformed day is refused
 * before the command runs (BAD_USER_INPUT for a variable, GRAPHQL_VALIDATION_FAILED for a
 * literal) and nothing is written; a real day reaches the command as before.
 */
let server: TestServer;
let wardToken = '';
let caseId = '';
const units: Record<string, string> = {};

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(
  query: string | TypedDocumentNode<any, any>,
  variables: Record<string, unknown>,
): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // The GraphQL-over-HTTP media type, with which a request refused before it ran is a 400.
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${wardToken}`,
    },
    body: JSON.stringify({
      query: typeof query === 'string' ? query : print(query),
      variables,
    }),
  });
  return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) };
}

/** How many events the case has: a refused command adds none. */
async function eventCount(): Promise<number> {
  const { rows } = await server.owner.query(
    'SELECT count(*)::int AS n FROM case_event WHERE case_id = $1',
    [caseId],
  );
  return rows[0].n;
}

const planningBasis = (estimatedReadyOn: unknown) => ({
  caseId,
  diagnosisSummary: 'Höftfraktur, opererad',
  functionalStatus: 'Går med rollator',
  adl: {
    bathing: 'PARTLY_DEPENDENT',
    dressing: 'PARTLY_DEPENDENT',
    toileting: 'INDEPENDENT',
    transferring: 'DEPENDENT',
    continence: 'INDEPENDENT',
    feeding: 'NOT_ASSESSED',
  },
  expectedNeeds: 'Hemtjänst morgon och kväll',
  estimatedReadyOn,
});

const MALFORMED = ['2026-02-30', '2026-13-01', '9 mars', '2026-12-10T10:00:00Z', '20261210', 7];

beforeAll(async () => {
  server = await startTestServer();
  for (const hsaId of [SOC_SOLNA, VC_SOLNA]) units[hsaId] = await unitGlobalId(server.owner, hsaId);
  wardToken = await server.tokenFor(
    principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Avdelningen'),
  );
  const opened = await post(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(7).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
      municipalityParties: [{ unitId: units[SOC_SOLNA], role: 'MUNICIPAL_SOCIAL_SERVICES' }],
      primaryCareUnitId: units[VC_SOLNA],
      expectedNeeds: 'Hemtjänst',
    },
  });
  caseId = opened.data?.sendAdmissionNotice.case.id;
  if (!caseId) throw new Error(`fixture: ${JSON.stringify(opened)}`);
  caseId = Buffer.from(caseId, 'base64').toString().split(':')[1]!;
});
afterAll(() => server?.close());

const globalCaseId = () => Buffer.from(`Case:${caseId}`).toString('base64');

describe('calendar days of the workflow commands', () => {
  it.each([
    ['SendPlanningBasisInput', 'estimatedReadyOn'],
    ['CarePlanItemInput', 'dueOn'],
    ['CreateCarePlanInput', 'followUpOn'],
    ['ReviseCarePlanInput', 'followUpOn'],
    ['DischargeInformationInput', 'homeCareStartsOn'],
  ])('%s.%s is a Date', async (type, field) => {
    const { data } = await post(
      `query ($name: String!) { __type(name: $name) { inputFields { name type { name } } } }`,
      { name: type },
    );
    const input = data?.__type.inputFields.find((f: { name: string }) => f.name === field);
    expect(input?.type.name).toBe('Date');
  });

  it('refuses a malformed estimatedReadyOn in a variable before the command runs, writing nothing', async () => {
    const before = await eventCount();
    for (const day of MALFORMED) {
      const refused = await post(SendPlanningBasisDocument, {
        input: { ...planningBasis(day), caseId: globalCaseId() },
      });
      expect(refused.status, String(day)).toBe(400);
      expect(refused.data ?? null, String(day)).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code, String(day)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message, String(day)).toMatch(/estimatedReadyOn/);
    }
    expect(await eventCount()).toBe(before);
  });

  it('refuses a malformed day written into the document (GRAPHQL_VALIDATION_FAILED)', async () => {
    const refused = await post(
      `mutation ($caseId: ID!) { createCarePlan(input: { caseId: $caseId, kind: SIP,
        summary: "Plan", items: [], participants: [], status: DRAFT, followUpOn: "2026-02-30" })
        { __typename } }`,
      { caseId: globalCaseId() },
    );
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a malformed dueOn, followUpOn and homeCareStartsOn in variables', async () => {
    const before = await eventCount();
    const plan = {
      caseId: globalCaseId(),
      kind: 'SIP',
      summary: 'Hemgång',
      participants: [],
      status: 'DRAFT',
    };
    const attempts: [TypedDocumentNode<any, any>, Record<string, unknown>][] = [
      [
        CreateCarePlanDocument,
        { ...plan, items: [{ responsibleUnitId: units[SOC_SOLNA], action: 'X', dueOn: '9 mars' }] },
      ],
      [CreateCarePlanDocument, { ...plan, items: [], followUpOn: '2026-04-31' }],
      [
        ReviseCarePlanDocument,
        {
          ...plan,
          kind: undefined,
          carePlanId: Buffer.from('CarePlan:00000000-0000-4000-8000-000000000000').toString(
            'base64',
          ),
          expectedPlanVersion: 1,
          items: [],
          followUpOn: 'next week',
        },
      ],
      [
        DischargeDocument,
        {
          caseId: globalCaseId(),
          dischargedAt: new Date().toISOString(),
          information: {
            destination: 'HOME',
            medicationChanges: [],
            followUpContacts: [],
            homeCareStartsOn: '12/12/2026',
            warningSigns: 'Feber',
            summary: 'Hem',
          },
        },
      ],
    ];
    for (const [document, input] of attempts) {
      const refused = await post(document, { input });
      expect(refused.data ?? null, JSON.stringify(input)).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    expect(await eventCount()).toBe(before);
  });

  it('takes a real day and the command stores it as that calendar day', async () => {
    const sent = await post(SendPlanningBasisDocument, {
      input: { ...planningBasis('2026-12-10'), caseId: globalCaseId() },
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data?.sendPlanningBasis.__typename).toBe('SendPlanningBasisSuccess');
    const { data } = await post(EventDetailsDocument, { caseId: globalCaseId() });
    const details = data?.node.events.edges
      .map((e: { node: { details: Record<string, unknown> | null } }) => e.node.details)
      .find((d: Record<string, unknown> | null) => d?.__typename === 'PlanningBasisDetails');
    expect(details?.estimatedReadyOn).toBe('2026-12-10');
  });
});
