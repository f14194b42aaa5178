import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../../src/graphql/schema.js';
import {
  AcknowledgeDocument,
  AddNoteDocument,
  AnnounceDischargeDocument,
  AnnulMessageDocument,
  AppointFixedCareContactDocument,
  CallToSipDocument,
  CloseCaseDocument,
  CreateCarePlanDocument,
  DischargeDocument,
  LiftPatientBlockDocument,
  NotifyReadyForDischargeDocument,
  OpenEmergencyAccessDocument,
  PublishCarePlanToPatientDocument,
  RecordConsentDocument,
  RegisterPatientBlockDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
  TransferResponsibilityDocument,
  WithdrawCarePlanFromPatientDocument,
  WithdrawReadyForDischargeDocument,
} from '../../generated/graphql.js';
import {
  globalId,
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';
import { NO_PATIENT_DATA } from './no-patient-data-mutations.js';

/**
 * Fault injection (issue 14): with INSERT on the access log refused to the API role, every
 * mutation of the schema that touches patient data writes nothing at all and answers
 * ACCESS_LOG_UNAVAILABLE (503); with the grant restored the same call succeeds, once. The
 * mutations are enumerated from the schema: one without an example here (or a reason in
 * NO_PATIENT_DATA) fails the test.
 */
let server: TestServer;
const tokens: Record<string, string> = {};
let caseId = '';
let patientId = '';
let carePlanId = '';

type Who = 'ward' | 'social' | 'primary' | 'outsider';
interface Call {
  as: Who;
  document: Parameters<typeof print>[0];
  variables: () => Promise<object>;
}

async function send(call: Call) {
  const requestId = randomUUID();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[call.as]}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: print(call.document), variables: await call.variables() }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body,
    requestId,
  };
}

/** Every table a command of the workflow, emergency access or a block writes, in one row. */
async function snapshot(): Promise<Record<string, string>> {
  const { rows } = await server.owner.query(`SELECT
    (SELECT count(*) FROM "case") AS cases,
    (SELECT coalesce(sum(version), 0) FROM "case") AS case_versions,
    (SELECT count(*) FROM patient) AS patients,
    (SELECT count(*) FROM case_party) AS parties,
    (SELECT count(*) FILTER (WHERE left_at IS NOT NULL) FROM case_party) AS parties_left,
    (SELECT count(*) FROM case_event) AS events,
    (SELECT count(*) FROM case_event_recipient) AS recipients,
    (SELECT count(*) FROM case_event_acknowledgement) AS acknowledgements,
    (SELECT count(*) FROM care_plan) AS care_plans,
    (SELECT count(*) FROM care_plan_version) AS care_plan_versions,
    (SELECT count(*) FROM note) AS notes,
    (SELECT count(*) FROM emergency_access) AS emergency_accesses,
    (SELECT count(*) FROM patient_block) AS blocks,
    (SELECT count(*) FILTER (WHERE lifted_at IS NOT NULL) FROM patient_block) AS blocks_lifted,
    (SELECT count(*) FROM idempotency_key) AS idempotency_keys,
    (SELECT count(*) FROM access_log) AS access_log_rows`);
  return rows[0] as Record<string, string>;
}

const uuidOf = (id: string) => decodeGlobalID(id).id;
const unit = (hsaId: string) => unitGlobalId(server.owner, hsaId);
const hour = 3_600_000;
const caseInput = (fields: object) => async () => ({ input: { caseId, ...fields } });

async function eventId(type: string): Promise<string> {
  const { rows } = await server.owner.query<{ id: string }>(
    'SELECT id FROM case_event WHERE case_id = $1 AND type = $2 ORDER BY sequence DESC LIMIT 1',
    [uuidOf(caseId), type],
  );
  return globalId('CaseEvent', rows[0]!.id);
}

/**
 * One example call per mutation that touches patient data, in an order in which each
 * succeeds on the state the earlier ones left (one case through the whole workflow).
 */
const EXAMPLES: [string, Call][] = [
  [
    'sendAdmissionNotice',
    {
      as: 'ward',
      document: SendAdmissionNoticeDocument,
      variables: async () => ({
        input: {
          personalIdentityNumber: residentWithoutCase(3).personalIdentityNumber,
          admittedAt: new Date(Date.now() - 2 * hour).toISOString(),
          municipalityParties: [
            { unitId: await unit(SOC_SOLNA), role: 'MUNICIPAL_SOCIAL_SERVICES' },
          ],
          primaryCareUnitId: await unit(VC_SOLNA),
        },
      }),
    },
  ],
  [
    'acknowledge',
    {
      as: 'social',
      document: AcknowledgeDocument,
      variables: async () => ({
        input: { caseId, eventId: await eventId('ADMISSION_NOTICE_SENT') },
      }),
    },
  ],
  [
    'sendPlanningBasis',
    {
      as: 'ward',
      document: SendPlanningBasisDocument,
      variables: caseInput({
        diagnosisSummary: 'Höftfraktur',
        functionalStatus: 'Rollator',
        adl: {
          bathing: 'DEPENDENT',
          dressing: 'PARTLY_DEPENDENT',
          toileting: 'INDEPENDENT',
          transferring: 'PARTLY_DEPENDENT',
          continence: 'INDEPENDENT',
          feeding: 'INDEPENDENT',
        },
        expectedNeeds: 'Hemtjänst',
      }),
    },
  ],
  [
    'recordConsent',
    { as: 'ward', document: RecordConsentDocument, variables: caseInput({ consent: 'GIVEN' }) },
  ],
  [
    'appointFixedCareContact',
    {
      as: 'primary',
      document: AppointFixedCareContactDocument,
      variables: async () => ({ input: { caseId, name: 'Eva Ek', unitId: await unit(VC_SOLNA) } }),
    },
  ],
  [
    'notifyReadyForDischarge',
    {
      as: 'ward',
      document: NotifyReadyForDischargeDocument,
      variables: caseInput({ readyAt: new Date(Date.now() - hour).toISOString() }),
    },
  ],
  [
    'withdrawReadyForDischarge',
    {
      as: 'ward',
      document: WithdrawReadyForDischargeDocument,
      variables: caseInput({ reason: 'Feber' }),
    },
  ],
  [
    'callToSip',
    {
      as: 'primary',
      document: CallToSipDocument,
      variables: async () => ({
        input: {
          caseId,
          meetingAt: new Date(Date.now() + 24 * hour).toISOString(),
          participantUnitIds: [await unit(WARD_KAROLINSKA_GERIATRIK), await unit(SOC_SOLNA)],
          message: 'Välkomna till SIP',
        },
      }),
    },
  ],
  [
    'createCarePlan',
    {
      as: 'primary',
      document: CreateCarePlanDocument,
      variables: async () => ({
        input: {
          caseId,
          carePlanId,
          kind: 'SIP',
          summary: 'Hem med hemtjänst',
          items: [{ responsibleUnitId: await unit(SOC_SOLNA), action: 'Trygghetslarm' }],
          participants: [],
          status: 'DRAFT',
        },
      }),
    },
  ],
  [
    'reviseCarePlan',
    {
      as: 'primary',
      document: ReviseCarePlanDocument,
      variables: async () => ({
        input: {
          caseId,
          carePlanId: globalId('CarePlan', carePlanId),
          expectedPlanVersion: 1,
          summary: 'Hem med hemtjänst och larm',
          items: [],
          participants: [],
          status: 'AGREED',
        },
      }),
    },
  ],
  [
    'publishCarePlanToPatient',
    {
      as: 'primary',
      document: PublishCarePlanToPatientDocument,
      variables: async () => ({
        input: { caseId, carePlanId: globalId('CarePlan', carePlanId), version: 2 },
      }),
    },
  ],
  [
    'withdrawCarePlanFromPatient',
    {
      as: 'primary',
      document: WithdrawCarePlanFromPatientDocument,
      variables: async () => ({
        input: {
          caseId,
          carePlanId: globalId('CarePlan', carePlanId),
          reason: 'Patienten vill inte ha planen på 1177',
        },
      }),
    },
  ],
  [
    'addNote',
    { as: 'social', document: AddNoteDocument, variables: caseInput({ text: 'Larm beställt' }) },
  ],
  [
    'annulMessage',
    {
      as: 'ward',
      document: AnnulMessageDocument,
      variables: async () => ({
        input: { caseId, eventId: await eventId('PLANNING_BASIS_SENT'), reason: 'Fel patient' },
      }),
    },
  ],
  [
    'transferResponsibility',
    {
      as: 'ward',
      document: TransferResponsibilityDocument,
      variables: async () => ({
        input: {
          caseId,
          fromUnitId: await unit(VC_SOLNA),
          toUnitId: await unit(VC_SODERMALM),
          role: 'PRIMARY_CARE',
        },
      }),
    },
  ],
  [
    'openEmergencyAccess',
    {
      as: 'outsider',
      document: OpenEmergencyAccessDocument,
      variables: async () => ({
        input: {
          personalIdentityNumber: residentWithoutCase(3).personalIdentityNumber,
          reason: 'Medvetslös på akuten, samtycke kan inte inhämtas',
        },
      }),
    },
  ],
  [
    'registerPatientBlock',
    {
      as: 'social',
      document: RegisterPatientBlockDocument,
      variables: async () => ({ input: { patientId } }),
    },
  ],
  [
    'liftPatientBlock',
    {
      as: 'social',
      document: LiftPatientBlockDocument,
      variables: async () => ({ input: { patientId } }),
    },
  ],
  [
    'announceDischarge',
    {
      as: 'ward',
      document: AnnounceDischargeDocument,
      variables: caseInput({ plannedAt: new Date(Date.now() + hour).toISOString() }),
    },
  ],
  [
    'discharge',
    {
      as: 'ward',
      document: DischargeDocument,
      variables: caseInput({
        dischargedAt: new Date().toISOString(),
        information: {
          destination: 'HOME',
          medicationChanges: [],
          followUpContacts: [],
          warningSigns: 'Ring 1177',
          summary: 'Hem',
        },
      }),
    },
  ],
  [
    'closeCase',
    { as: 'ward', document: CloseCaseDocument, variables: caseInput({ reason: 'DISCHARGED' }) },
  ],
];

/** Steps between examples that a later example needs (not themselves under test). */
const SETUP_BEFORE: Record<string, Call> = {
  // callToSip needs a patient ready for discharge again after the withdrawal.
  callToSip: {
    as: 'ward',
    document: NotifyReadyForDischargeDocument,
    variables: caseInput({ readyAt: new Date(Date.now() - hour / 2).toISOString() }),
  },
};

beforeAll(async () => {
  server = await startTestServer();
  for (const [name, hsaId, roles] of [
    ['ward', WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
    ['social', SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
    ['primary', VC_SOLNA, ['PRIMARY_CARE_STAFF']],
    ['outsider', WARD_SODERSJUKHUSET_MEDICIN, ['WARD_STAFF']],
  ] as const) {
    tokens[name] = await server.tokenFor(principalFor(hsaId, [...roles], `Fault ${name}`));
  }
  carePlanId = randomUUID();
});
afterAll(() => server?.close());

describe('the mutations of the schema', () => {
  it('each has an example call here or a reason why it touches no patient data', () => {
    const named = new Set([...EXAMPLES.map(([name]) => name), ...Object.keys(NO_PATIENT_DATA)]);
    const missing = Object.keys(schema.getMutationType()!.getFields()).filter((m) => !named.has(m));
    expect(missing, 'mutations without an example in the fault-injection test').toEqual([]);
    const both = EXAMPLES.map(([name]) => name).filter((name) => name in NO_PATIENT_DATA);
    expect(both).toEqual([]);
  });
});

describe('with the access log refused, a command writes nothing; restored, it succeeds once', () => {
  it.each(EXAMPLES)('%s', async (mutation, call) => {
    const setup = SETUP_BEFORE[mutation];
    if (setup) expect((await send(setup)).status).toBe(200);

    const before = await snapshot();
    await server.owner.query('REVOKE INSERT ON access_log FROM brygga_app');
    let refused: Awaited<ReturnType<typeof send>>;
    try {
      refused = await send(call);
    } finally {
      await server.owner.query('GRANT INSERT ON access_log TO brygga_app');
    }
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.retryAfter).toBe('3');
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
    expect(await snapshot()).toEqual(before);

    const done = await send(call);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const result = done.body.data?.[mutation];
    expect(result?.__typename, JSON.stringify(done.body)).toMatch(/Success$/);
    const after = await snapshot();
    expect(after).not.toEqual(before);
    // The command's own row, committed with it.
    const { rows } = await server.owner.query<{ activity: string }>(
      `SELECT activity FROM access_log WHERE request_id = $1 AND activity <> 'READ'`,
      [done.requestId],
    );
    expect(rows).toHaveLength(1);

    if (mutation === 'sendAdmissionNotice') {
      caseId = result.case.id;
      const { rows: patient } = await server.owner.query<{ patient_id: string }>(
        'SELECT patient_id FROM "case" WHERE id = $1',
        [uuidOf(caseId)],
      );
      patientId = globalId('Patient', patient[0]!.patient_id);
    }
  });
});
