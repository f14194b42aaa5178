import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaseByIdDocument,
  SendAdmissionNoticeDocument,
  TransferResponsibilityDocument,
} from '../../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: a unit that hands away its own role in a case is no longer a party and may not
 * read the case. The transfer is made; the answer says so with `case: null` and
 * `caseVisible: false` instead of failing the whole response (it answered
 * INTERNAL_SERVER_ERROR for a change that had been committed).
 */
let server: TestServer;
let ward: GraphQLClient;
let primaryCare: GraphQLClient;
let social: GraphQLClient;
const ids: Record<string, string> = {};
let resident = 0;

async function openCase(): Promise<string> {
  const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(resident++).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [{ unitId: ids[SOC_SOLNA]!, role: 'MUNICIPAL_SOCIAL_SERVICES' }],
      primaryCareUnitId: ids[VC_SOLNA]!,
    },
  });
  if (sendAdmissionNotice.__typename !== 'SendAdmissionNoticeSuccess') {
    throw new Error(`fixture: ${JSON.stringify(sendAdmissionNotice)}`);
  }
  return sendAdmissionNotice.case.id;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const hsaId of [
    WARD_KAROLINSKA_GERIATRIK,
    VC_SOLNA,
    VC_SODERMALM,
    SOC_SOLNA,
    SOC_SODERMALM,
  ]) {
    ids[hsaId] = await unitGlobalId(server.owner, hsaId);
  }
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  primaryCare = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
});
afterAll(() => server?.close());

describe('transferResponsibility of the caller’s own role', () => {
  it('primary care hands over its role: success with case null and caseVisible false, and the transfer is made', async () => {
    const caseId = await openCase();
    const { transferResponsibility } = await primaryCare.request(TransferResponsibilityDocument, {
      input: {
        caseId,
        fromUnitId: ids[VC_SOLNA]!,
        toUnitId: ids[VC_SODERMALM]!,
        role: 'PRIMARY_CARE',
      },
    });
    expect(transferResponsibility).toEqual({
      __typename: 'TransferResponsibilitySuccess',
      caseId,
      caseVisible: false,
      case: null,
    });
    // Made: the ward sees the new unit, and the one that left no longer sees the case.
    const seen = (await ward.request(CaseByIdDocument, { id: caseId })).case!;
    expect(seen.primaryCareUnit?.hsaId).toBe(VC_SODERMALM);
    expect((await primaryCare.request(CaseByIdDocument, { id: caseId })).case).toBeNull();
  });

  it('social services hand over theirs the same way', async () => {
    const caseId = await openCase();
    const { transferResponsibility } = await social.request(TransferResponsibilityDocument, {
      input: {
        caseId,
        fromUnitId: ids[SOC_SOLNA]!,
        toUnitId: ids[SOC_SODERMALM]!,
        role: 'MUNICIPAL_SOCIAL_SERVICES',
      },
    });
    expect(transferResponsibility).toMatchObject({ caseVisible: false, case: null, caseId });
  });

  it('the ward moving another party’s role still sees the case in the answer', async () => {
    const caseId = await openCase();
    const { transferResponsibility } = await ward.request(TransferResponsibilityDocument, {
      input: {
        caseId,
        fromUnitId: ids[VC_SOLNA]!,
        toUnitId: ids[VC_SODERMALM]!,
        role: 'PRIMARY_CARE',
      },
    });
    expect(transferResponsibility).toMatchObject({
      __typename: 'TransferResponsibilitySuccess',
      caseId,
      caseVisible: true,
      case: { id: caseId, version: 2, primaryCareUnit: { hsaId: VC_SODERMALM } },
    });
  });

  it('a refused transfer is still a CommandError and changes nothing', async () => {
    const caseId = await openCase();
    const { transferResponsibility } = await primaryCare.request(TransferResponsibilityDocument, {
      input: {
        caseId,
        fromUnitId: ids[VC_SOLNA]!,
        toUnitId: ids[SOC_SODERMALM]!,
        role: 'PRIMARY_CARE',
      },
    });
    expect(transferResponsibility).toMatchObject({
      __typename: 'CommandError',
      code: 'UNIT_KIND_MISMATCH',
    });
    const seen = (await primaryCare.request(CaseByIdDocument, { id: caseId })).case!;
    expect(seen.primaryCareUnit?.hsaId).toBe(VC_SOLNA);
  });
});
