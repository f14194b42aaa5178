import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../../src/audit/verify.js';
import { LookupPatientDocument, SendAdmissionNoticeDocument } from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_HUDDINGE,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14, item 2: every register look-up is logged, by personnummer when the person is
 * not a patient here (yet); a protected identity's name goes only to a unit that has a
 * case with the person, others get the marker and a redaction.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

async function lookup(as: string, pnr: string) {
  const requestId = randomUUID();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[as]}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({
      query: print(LookupPatientDocument),
      variables: { pnr },
    }),
  });
  const body = (await response.json()) as {
    data?: { lookupPatient: Record<string, any> | null };
    extensions?: { redactions?: { path: (string | number)[]; reason: string }[] };
  };
  const { rows } = await server.owner.query<{
    patient_id: string | null;
    personal_identity_number: string;
    case_id: string | null;
    activity: string;
    outcome: string;
    categories: string[];
  }>(
    `SELECT patient_id, personal_identity_number, case_id, activity, outcome, categories
     FROM access_log WHERE request_id = $1 ORDER BY outcome`,
    [requestId],
  );
  return { status: response.status, body, rows };
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [name, hsaId, roles] of [
    ['ward', WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
    ['huddinge', SOC_HUDDINGE, ['SOCIAL_SERVICES_STAFF']],
  ] as const) {
    tokens[name] = await server.tokenFor(principalFor(hsaId, [...roles], `Lookup ${name}`));
  }
});
afterAll(() => server?.close());

describe('lookupPatient', () => {
  it('of a person with no patient record leaves a row naming the person by personnummer', async () => {
    const pnr = residentWithoutCase(13).personalIdentityNumber;
    const { body, rows } = await lookup('ward', pnr);
    expect(body.data?.lookupPatient?.givenName).toBeTruthy();
    expect(rows).toEqual([
      {
        patient_id: null,
        personal_identity_number: pnr,
        case_id: null,
        activity: 'READ',
        outcome: 'SUCCESS',
        categories: ['IDENTITY'],
      },
    ]);
    // The chain, recomputed independently, still holds with such rows in it.
    const app = new pg.Client({ connectionString: server.databaseUrl });
    await app.connect();
    try {
      expect((await verifyAccessLog(app)).ok).toBe(true);
    } finally {
      await app.end();
    }
  });

  it('of a protected identity: the name only to a unit with a case with the person; others get the marker, a redaction and a DENIED row', async () => {
    const pnr = residentWithoutCase(14).personalIdentityNumber;
    await server.owner.query(
      'UPDATE population_register_entry SET protected_identity = true WHERE personal_identity_number = $1',
      [pnr],
    );
    const before = await lookup('ward', pnr);
    expect(before.body.data?.lookupPatient).toMatchObject({
      givenName: null,
      familyName: null,
      protectedIdentity: true,
    });
    expect(before.body.extensions?.redactions?.map((r) => [r.path.at(-1), r.reason])).toEqual([
      ['givenName', 'NO_CASE_WITH_PERSON'],
      ['familyName', 'NO_CASE_WITH_PERSON'],
    ]);
    expect(before.rows.map((r) => [r.outcome, r.categories, r.patient_id]).sort()).toEqual([
      ['DENIED', ['PROTECTED_IDENTITY'], null],
      ['SUCCESS', ['IDENTITY'], null],
    ]);

    // The ward opens a case for the person: now the ward's unit has a case with them.
    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const opened = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: pnr,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    expect(opened.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    const party = await lookup('ward', pnr);
    expect(party.body.data?.lookupPatient?.givenName).toBeTruthy();
    expect(party.body.extensions?.redactions ?? []).toEqual([]);
    expect(party.rows).toEqual([
      expect.objectContaining({ outcome: 'SUCCESS', categories: ['PROTECTED_IDENTITY'] }),
    ]);
    expect(party.rows[0]!.patient_id).not.toBeNull();

    // Social services of another municipality, granted protected identities but without a case.
    const other = await lookup('huddinge', pnr);
    expect(other.body.data?.lookupPatient).toMatchObject({
      givenName: null,
      familyName: null,
      protectedIdentity: true,
    });
    expect(other.rows.map((r) => [r.outcome, r.categories]).sort()).toEqual([
      ['DENIED', ['PROTECTED_IDENTITY']],
      ['SUCCESS', ['IDENTITY']],
    ]);
  });
});
