import { randomUUID } from 'node:crypto';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendAdmissionNoticeDocument, SendPlanningBasisDocument } from '../../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, item 3: one request's rows say unambiguously what was read or written and what
 * was refused. Social services without the patient's consent acknowledge a message: the
 * answer reads the payment-relevant part of MEDICAL (psychiatric, compulsory care) and is
 * refused the rest. No SUCCESS row may then list plain MEDICAL beside the DENIED MEDICAL.
 */
let server: TestServer;

/** The answer a front-end asks for: the case's payment-relevant flags and its event list. */
const AcknowledgeWithEvents = parse(`
  mutation AcknowledgeWithEvents($input: AcknowledgeInput!) {
    acknowledge(input: $input) {
      __typename
      ... on AcknowledgeSuccess {
        case { id psychiatric compulsoryCare events(first: 20) { edges { node { type payload } } } }
      }
      ... on CommandError { code message }
    }
  }
`);
const tokens: Record<string, string> = {};

async function send(as: string, document: Parameters<typeof print>[0], variables: object) {
  const requestId = randomUUID();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[as]}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any> | null };
  const { rows } = await server.owner.query<{
    activity: string;
    outcome: string;
    categories: string[];
  }>('SELECT activity, outcome, categories FROM access_log WHERE request_id = $1', [requestId]);
  return { body, rows };
}

beforeAll(async () => {
  server = await startTestServer();
  tokens.ward = await server.tokenFor(
    principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Cat Ward'),
  );
  tokens.social = await server.tokenFor(
    principalFor(SOC_SOLNA, ['SOCIAL_SERVICES_STAFF'], 'Cat Social'),
  );
});
afterAll(() => server?.close());

describe('categories of one request', () => {
  it('social services without consent acknowledging: the CHANGE row names what was written and read, DENIED what was refused', async () => {
    const opened = await send('ward', SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(9).personalIdentityNumber,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    const caseId = opened.body.data!.sendAdmissionNotice.case.id as string;
    const { rows: events } = await server.owner.query<{ id: string; consent: string }>(
      `SELECT e.id, c.consent FROM case_event e JOIN "case" c ON c.id = e.case_id
       WHERE c.reference = $1 AND e.type = 'ADMISSION_NOTICE_SENT'`,
      [opened.body.data!.sendAdmissionNotice.case.reference],
    );
    expect(events[0]!.consent).not.toBe('GIVEN');
    const basis = await send('ward', SendPlanningBasisDocument, {
      input: {
        caseId,
        diagnosisSummary: 'Stroke',
        functionalStatus: 'Halvsidesförlamning',
        adl: {
          bathing: 'DEPENDENT',
          dressing: 'DEPENDENT',
          toileting: 'PARTLY_DEPENDENT',
          transferring: 'DEPENDENT',
          continence: 'INDEPENDENT',
          feeding: 'INDEPENDENT',
        },
        expectedNeeds: 'Korttidsboende',
      },
    });
    expect(basis.body.data?.sendPlanningBasis.__typename).toBe('SendPlanningBasisSuccess');

    const { body, rows } = await send('social', AcknowledgeWithEvents, {
      input: { caseId, eventId: globalId('CaseEvent', events[0]!.id) },
    });
    expect(body.data?.acknowledge.__typename).toBe('AcknowledgeSuccess');
    const denied = rows.filter((r) => r.outcome === 'DENIED');
    const succeeded = rows.filter((r) => r.outcome === 'SUCCESS');
    expect(denied.flatMap((r) => r.categories)).toContain('MEDICAL');
    for (const row of succeeded) {
      expect(row.categories, JSON.stringify(rows)).not.toContain('MEDICAL');
    }
    // One SUCCESS row: what was written (PLANNING) and what the answer read, of MEDICAL only
    // the part payment responsibility needs.
    expect(succeeded).toEqual([
      {
        activity: 'CHANGE',
        outcome: 'SUCCESS',
        categories: ['MEDICAL:PAYMENT_RESPONSIBILITY', 'PLANNING'],
      },
    ]);
    expect(denied).toEqual([{ activity: 'READ', outcome: 'DENIED', categories: ['MEDICAL'] }]);
  });
});
