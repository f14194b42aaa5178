import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendAdmissionNoticeDocument } from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: an access-log row names its case and patient by the global ids the rest of the
 * API uses (`caseGlobalId`, `patientGlobalId`; the raw `caseId`/`patientId` stay,
 * deprecated), and the log filter takes those global ids as well as the raw UUIDs.
 */
let server: TestServer;
let officer = '';
let caseId = '';
let patientId = '';

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, any> | null;
    errors?: { extensions?: { code?: string; field?: string } }[];
  };
}

const LOG = `query ($filter: AccessLogFilter) { accessLog(filter: $filter, first: 50) {
  totalCount edges { node { caseId caseGlobalId patientId patientGlobalId } } } }`;

beforeAll(async () => {
  server = await startTestServer();
  const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  const opened = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(13).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
    },
  });
  if (opened.sendAdmissionNotice.__typename !== 'SendAdmissionNoticeSuccess') throw new Error();
  caseId = opened.sendAdmissionNotice.case.id;
  const { rows } = await server.owner.query('SELECT patient_id FROM "case" WHERE id = $1', [
    decodeGlobalID(caseId).id,
  ]);
  patientId = Buffer.from(`Patient:${rows[0].patient_id}`).toString('base64');
  officer = await server.tokenFor(
    principalFor(WARD_DANDERYD_ORTOPEDI, ['SECURITY_OFFICER'], 'Greta Granskare'),
  );
});
afterAll(() => server?.close());

describe('access-log rows and filter with global ids', () => {
  it('names the case and patient by global ids, the same objects as the deprecated raw ids', async () => {
    const answer = await gql(LOG, { filter: { caseId } });
    expect(answer.errors).toBeUndefined();
    const rows = answer.data!.accessLog.edges.map((e: { node: Record<string, string> }) => e.node);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toEqual({
        caseId: decodeGlobalID(caseId).id,
        caseGlobalId: caseId,
        patientId: decodeGlobalID(patientId).id,
        patientGlobalId: patientId,
      });
    }
  });

  it('filters by the global id as by the raw UUID (deprecated), for case and patient', async () => {
    // Reading the log is itself logged (a row per patient): count only rows before now.
    const to = new Date().toISOString();
    const count = async (filter: Record<string, string>) => {
      const answer = await gql(LOG, { filter: { ...filter, to } });
      expect(answer.errors, JSON.stringify(filter)).toBeUndefined();
      return answer.data!.accessLog.totalCount as number;
    };
    const byCase = await count({ caseId });
    expect(byCase).toBeGreaterThan(0);
    expect(await count({ caseId: decodeGlobalID(caseId).id })).toBe(byCase);
    const byPatient = await count({ patientId });
    expect(byPatient).toBeGreaterThanOrEqual(byCase);
    expect(await count({ patientId: decodeGlobalID(patientId).id })).toBe(byPatient);
  });

  it('refuses an id of another type or no id at all with INVALID_ID naming the filter field', async () => {
    for (const [field, value] of [
      ['caseId', patientId],
      ['patientId', caseId],
      ['caseId', 'garbage'],
    ] as const) {
      const answer = await gql(LOG, { filter: { [field]: value } });
      expect(answer.data?.accessLog ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'INVALID_ID',
        field: `filter.${field}`,
      });
    }
  });
});
