import type { GraphQLClient } from 'graphql-request';
import type pg from 'pg';
import { SendAdmissionNoticeDocument, SendPlanningBasisDocument } from '../generated/graphql.js';
import { residentWithoutCase, unitGlobalId } from './demo.js';

/**
 * Cases and events for the live-delivery tests: the ward opens a case of a resident kept
 * free of cases with one municipal unit as party, and sends its planning basis (health
 * information, so social services without consent get it withheld).
 */
export async function openCaseFor(
  ward: GraphQLClient,
  owner: pg.Client,
  resident: number,
  municipalityUnit: string,
): Promise<string> {
  const opened = await ward.request(SendAdmissionNoticeDocument, {
    input: {
      personalIdentityNumber: residentWithoutCase(resident).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        {
          unitId: await unitGlobalId(owner, municipalityUnit),
          role: 'MUNICIPAL_SOCIAL_SERVICES',
        },
      ],
      expectedNeeds: 'Hemtjänst',
    },
  });
  if (!('case' in opened.sendAdmissionNotice)) throw new Error('refused');
  return opened.sendAdmissionNotice.case.id;
}

export async function sendPlanningBasisAs(ward: GraphQLClient, caseId: string): Promise<void> {
  const { sendPlanningBasis } = await ward.request(SendPlanningBasisDocument, {
    input: {
      caseId,
      diagnosisSummary: 'Höftfraktur, opererad',
      functionalStatus: 'Går med rollator',
      adl: {
        bathing: 'DEPENDENT',
        dressing: 'PARTLY_DEPENDENT',
        toileting: 'INDEPENDENT',
        transferring: 'PARTLY_DEPENDENT',
        continence: 'INDEPENDENT',
        feeding: 'INDEPENDENT',
      },
      expectedNeeds: 'Hemtjänst morgon och kväll',
    },
  });
  if (sendPlanningBasis.__typename !== 'SendPlanningBasisSuccess') throw new Error('refused');
}
