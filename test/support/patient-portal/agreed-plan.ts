import type { GraphQLClient } from 'graphql-request';
import {
  CarePlanPublicationsDocument,
  CreateCarePlanDocument,
  SendAdmissionNoticeDocument,
} from '../../generated/graphql.js';
import { SOC_SOLNA, unitGlobalId, VC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../demo.js';
import type { TestServer } from '../server.js';
import type { TestPki } from './certificates.js';

/** The producer's settings the GetCarePlans tests run with (the platform's certificate pinned). */
export const PORTAL = {
  logicalAddress: 'SE2321000016-BRYG',
  sourceSystem: 'SE2321000016-BRYS',
  platform: 'SE5565594230-B8N',
} as const;

export function producerEnv(pki: TestPki): Record<string, string> {
  return {
    CARE_PLANS_PRODUCER_PORT: '0',
    CARE_PLANS_PRODUCER_TLS_CERT_FILE: pki.server.certFile,
    CARE_PLANS_PRODUCER_TLS_KEY_FILE: pki.server.keyFile,
    CARE_PLANS_PRODUCER_CLIENT_CA_FILE: pki.ca.certFile,
    CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: pki.platform.fingerprint,
    CARE_PLANS_PLATFORM_HSA_ID: PORTAL.platform,
    CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES: PORTAL.logicalAddress,
    CARE_PLANS_SOURCE_SYSTEM_HSA_ID: PORTAL.sourceSystem,
  };
}

function success<T extends { __typename?: string }>(answer: T): T {
  if (answer.__typename === 'CommandError') throw new Error(`refused: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * A case of the patient at Karolinska's geriatric ward, with Solna's social services and
 * Vårdcentral Solna as parties, and an agreed SIP (version 1) drawn up by the primary
 * care: what the parties then publish to the patient.
 */
export async function openCaseWithAgreedPlan(
  server: TestServer,
  personalIdentityNumber: string,
): Promise<{
  ward: GraphQLClient;
  primaryCare: GraphQLClient;
  caseId: string;
  caseReference: string;
  planId: string;
}> {
  const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  const primaryCare = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
  const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber,
      admittedAt: new Date(Date.now() - 5 * 3_600_000).toISOString(),
      municipalityParties: [
        { unitId: await unitGlobalId(server.owner, SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
      primaryCareUnitId: await unitGlobalId(server.owner, VC_SOLNA),
    },
  });
  const opened = success(sendAdmissionNotice) as { case: { id: string; reference: string } };
  const caseId = opened.case.id;
  const { createCarePlan } = await primaryCare.request(CreateCarePlanDocument, {
    input: {
      caseId,
      kind: 'SIP',
      summary: 'Hemgång med hemtjänst två gånger om dagen',
      items: [
        {
          responsibleUnitId: await unitGlobalId(server.owner, SOC_SOLNA),
          action: 'Hemtjänst morgon och kväll',
          dueOn: '2026-12-20',
        },
      ],
      participants: [{ name: 'Patienten', role: 'Patient' }],
      status: 'AGREED',
    },
  });
  success(createCarePlan);
  const { carePlans } = await ward.request(CarePlanPublicationsDocument, { caseId });
  return {
    ward,
    primaryCare,
    caseId,
    caseReference: opened.case.reference,
    planId: carePlans[0]!.id,
  };
}
