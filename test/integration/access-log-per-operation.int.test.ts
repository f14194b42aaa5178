import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcknowledgeDocument,
  AddNoteDocument,
  AnnounceDischargeDocument,
  AppointFixedCareContactDocument,
  CallToSipDocument,
  CarePlansDocument,
  CaseByIdDocument,
  CaseEventsDocument,
  CaseListNestedDocument,
  CloseCaseDocument,
  CreateCarePlanDocument,
  DischargeDocument,
  InvoicesDocument,
  LiftPatientBlockDocument,
  LookupPatientDocument,
  NodeDocument,
  NotifyReadyForDischargeDocument,
  OpenEmergencyAccessDocument,
  RecordConsentDocument,
  RegisterPatientBlockDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
  WithdrawReadyForDischargeDocument,
} from '../generated/graphql.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * The exact access-log rows of every query and mutation that touches patient data: who,
 * from where, which patient and case, what activity, which categories, what outcome.
 */
let server: TestServer;
const tokens: Record<string, string> = {};
let caseId = '';
let patientId = '';

interface Row {
  activity: string;
  outcome: string;
  user_hsa_id: string;
  unit_hsa_id: string;
  patient_id: string;
  case_id: string | null;
  categories: string[];
  operation_name: string | null;
  emergency_access: boolean;
  not_a_party: boolean;
}

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
  const body = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const { rows } = await server.owner.query<Row>(
    `SELECT activity, outcome, user_hsa_id, unit_hsa_id, patient_id, case_id, categories, operation_name,
            emergency_access, not_a_party
     FROM access_log WHERE request_id = $1 ORDER BY patient_id, case_id, outcome`,
    [requestId],
  );
  return { data: body.data, rows };
}

const uuidOf = (globalId: string) => decodeGlobalID(globalId).id;

/**
 * A command's rows (src/audit/README.md): exactly one SUCCESS row for the patient, the
 * command's, committed with the command, of the command's activity, naming what it wrote
 * and what its answer read (the answer's reads fold into it: no READ row); refusals apart.
 * The exact categories of each command's row are in audit/command-answer-rows.int.test.ts.
 */
function commandRows(rows: Row[], activity: string, category: string) {
  const succeeded = rows.filter((r) => r.outcome === 'SUCCESS');
  expect(succeeded, JSON.stringify(rows)).toHaveLength(1);
  const write = succeeded[0]!;
  expect(write.activity).toBe(activity);
  expect(write.categories).toContain(category);
  expect(rows.filter((r) => r !== write).every((r) => r.outcome === 'DENIED')).toBe(true);
  return { write };
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [name, unit, roles] of [
    ['ward', WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
    ['social', SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
    ['primary', VC_SOLNA, ['PRIMARY_CARE_STAFF']],
    ['outsider', WARD_SODERSJUKHUSET_MEDICIN, ['WARD_STAFF']],
    ['finance', 'SE2321000016-KS02', ['FINANCE']],
  ] as const) {
    tokens[name] = await server.tokenFor(principalFor(unit, [...roles], `Log ${name}`));
  }
});
afterAll(() => server?.close());

describe('every operation leaves exactly its rows', () => {
  it('sendAdmissionNotice: one CREATE row for the new patient, naming what the answer read as well', async () => {
    const { data, rows } = await send('ward', SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(7).personalIdentityNumber, // listed at Vårdcentral Solna
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    caseId = data.sendAdmissionNotice.case.id;
    patientId = data.sendAdmissionNotice.case.patient.id;
    const written = commandRows(rows, 'CREATE', 'IDENTITY');
    expect(written.write).toEqual(
      expect.objectContaining({
        outcome: 'SUCCESS',
        user_hsa_id: `${WARD_KAROLINSKA_GERIATRIK}P1`,
        unit_hsa_id: WARD_KAROLINSKA_GERIATRIK,
        patient_id: uuidOf(patientId),
        case_id: uuidOf(caseId),
        operation_name: 'SendAdmissionNotice',
        emergency_access: false,
        not_a_party: false,
      }),
    );
    // What the answer returned beyond what the command wrote is named on the same row.
    expect(written.write.categories).toEqual(
      expect.arrayContaining(['ADMINISTRATIVE', 'IDENTITY', 'PLANNING']),
    );
  });

  it.each([
    ['sendPlanningBasis', 'ward', 'CREATE', 'MEDICAL'],
    ['appointFixedCareContact', 'primary', 'CHANGE', 'PLANNING'],
    ['notifyReadyForDischarge', 'ward', 'CHANGE', 'PLANNING'],
    ['withdrawReadyForDischarge', 'ward', 'CHANGE', 'PLANNING'],
    ['notifyReadyForDischarge', 'ward', 'CHANGE', 'PLANNING'],
    ['recordConsent', 'ward', 'CHANGE', 'ADMINISTRATIVE'],
    ['callToSip', 'primary', 'CHANGE', 'PLANNING'],
    ['createCarePlan', 'primary', 'CREATE', 'PLANNING'],
    ['addNote', 'social', 'CREATE', 'PLANNING'],
    ['acknowledge', 'social', 'CHANGE', 'PLANNING'],
    ['announceDischarge', 'ward', 'CHANGE', 'PLANNING'],
    ['discharge', 'ward', 'CREATE', 'MEDICAL'],
    ['closeCase', 'ward', 'CHANGE', 'ADMINISTRATIVE'],
  ])('%s by %s: one %s row with %s', async (mutation, who, activity, category) => {
    const { rows } = await send(who, DOCUMENTS[mutation]!, { input: await inputFor(mutation) });
    const { write } = commandRows(rows, activity, category);
    expect(write).toMatchObject({ patient_id: uuidOf(patientId), case_id: uuidOf(caseId) });
  });

  it('case(id) by a party: one READ row; by an outsider: none', async () => {
    const read = await send('ward', CaseByIdDocument, { id: caseId });
    expect(read.rows).toEqual([
      expect.objectContaining({ activity: 'READ', outcome: 'SUCCESS', case_id: uuidOf(caseId) }),
    ]);
    const outside = await send('outsider', CaseByIdDocument, { id: caseId });
    expect(outside.data.case).toBeNull();
    expect(outside.rows).toEqual([]);
  });

  it('node(id) of the patient: one READ row without a case', async () => {
    const { rows } = await send('ward', NodeDocument, { id: patientId });
    expect(rows).toEqual([
      expect.objectContaining({ activity: 'READ', patient_id: uuidOf(patientId) }),
    ]);
  });

  it('the nested case list: one row per patient returned', async () => {
    const { data, rows } = await send('ward', CaseListNestedDocument, { first: 50 });
    const patients = new Set(data.cases.edges.map((e: any) => e.node.patient.id));
    expect(new Set(rows.map((r) => r.patient_id))).toEqual(
      new Set([...patients].map((p) => uuidOf(p as string))),
    );
    expect(rows.every((r) => r.activity === 'READ' && r.outcome === 'SUCCESS')).toBe(true);
    expect(rows.length).toBe(patients.size);
  });

  it('caseEvents and carePlans by a party: one READ row each', async () => {
    const events = await send('ward', CaseEventsDocument, { caseId, first: 5 });
    expect(events.rows).toEqual([
      expect.objectContaining({ activity: 'READ', case_id: uuidOf(caseId) }),
    ]);
    const plans = await send('ward', CarePlansDocument, { caseId });
    expect(plans.rows).toEqual([
      expect.objectContaining({
        activity: 'READ',
        case_id: uuidOf(caseId),
        categories: ['PLANNING'],
      }),
    ]);
  });

  it('lookupPatient of a known patient: one READ row; of a protected one without the grant: the name withheld and a DENIED row', async () => {
    const pnr = residentWithoutCase(7).personalIdentityNumber;
    const known = await send('ward', LookupPatientDocument, { pnr });
    expect(known.rows).toEqual([
      expect.objectContaining({
        activity: 'READ',
        outcome: 'SUCCESS',
        patient_id: uuidOf(patientId),
        case_id: null,
      }),
    ]);
    await server.owner.query(
      'UPDATE population_register_entry SET protected_identity = true WHERE personal_identity_number = $1',
      [pnr],
    );
    const finance = await send('finance', LookupPatientDocument, { pnr });
    expect(finance.data.lookupPatient).toMatchObject({
      givenName: null,
      familyName: null,
      protectedIdentity: true,
    });
    expect(finance.rows.map((r) => [r.outcome, r.categories]).sort()).toEqual([
      ['DENIED', ['PROTECTED_IDENTITY']],
      ['SUCCESS', ['IDENTITY']],
    ]);
    const ward = await send('ward', LookupPatientDocument, { pnr });
    expect(ward.data.lookupPatient.givenName).not.toBeNull();
    await server.owner.query(
      'UPDATE population_register_entry SET protected_identity = false WHERE personal_identity_number = $1',
      [pnr],
    );
  });

  it('invoices read by finance: one FINANCIAL row per patient on the invoice lines', async () => {
    await server.owner.query(
      `WITH d AS (SELECT id FROM organization WHERE hsa_id = 'SE2120000183-0001'),
            r AS (SELECT id FROM organization WHERE hsa_id = 'SE2321000016-0001'),
            i AS (INSERT INTO invoice (kind, debtor_id, creditor_id, period, status, total_amount)
                  SELECT 'PAYMENT_RESPONSIBILITY', d.id, r.id, DATE '2026-10-01', 'DRAFT', 9300 FROM d, r RETURNING id)
       INSERT INTO invoice_line (invoice_id, position, kind, case_id, description, days, dates, price_per_day, amount, event_ids)
       SELECT i.id, 1, 'CHARGE', $1, 'x', 1, ARRAY[DATE '2026-10-02'], 9300, 9300, '{}' FROM i`,
      [uuidOf(caseId)],
    );
    const { data, rows } = await send('finance', InvoicesDocument, {});
    expect(data.invoices.edges).toHaveLength(1);
    expect(rows).toEqual([
      expect.objectContaining({
        activity: 'READ',
        patient_id: uuidOf(patientId),
        case_id: uuidOf(caseId),
      }),
    ]);
    expect(rows[0]!.categories).toEqual(expect.arrayContaining(['FINANCIAL', 'ADMINISTRATIVE']));
  });

  it('social services reading medical information without consent: a DENIED row beside the READ', async () => {
    await server.owner.query(`UPDATE "case" SET consent = 'NOT_ASKED' WHERE id = $1`, [
      uuidOf(caseId),
    ]);
    const { rows } = await send('social', CaseByIdDocument, { id: caseId });
    expect(rows.map((r) => [r.activity, r.outcome]).sort()).toEqual([
      ['READ', 'DENIED'],
      ['READ', 'SUCCESS'],
    ]);
    expect(rows.find((r) => r.outcome === 'DENIED')!.categories).toContain('MEDICAL');
  });

  it('emergency access: an EMERGENCY_ACCESS row, flagged, and later reads flagged too', async () => {
    const { rows } = await send('outsider', OpenEmergencyAccessDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(12).personalIdentityNumber,
        reason: 'Akut, patienten är medvetslös',
      },
    }).catch(() => ({ rows: [] as Row[] }));
    // That resident has no case yet: open one first, then test on it.
    expect(rows).toEqual([]);
    await send('ward', SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(12).personalIdentityNumber,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    const opened = await send('outsider', OpenEmergencyAccessDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(12).personalIdentityNumber,
        reason: 'Akut, patienten är medvetslös',
      },
    });
    const { write } = commandRows(opened.rows, 'EMERGENCY_ACCESS', 'IDENTITY');
    expect(write).toMatchObject({ emergency_access: true, not_a_party: true });
    const read = await send('outsider', CaseByIdDocument, {
      id: opened.data.openEmergencyAccess.case.id,
    });
    expect(read.rows).toEqual([
      expect.objectContaining({ activity: 'READ', emergency_access: true, not_a_party: true }),
    ]);
  });

  it('registering and lifting a block: a CHANGE row each', async () => {
    const blocked = await send('social', RegisterPatientBlockDocument, { input: { patientId } });
    expect(commandRows(blocked.rows, 'CHANGE', 'IDENTITY').write).toMatchObject({
      patient_id: uuidOf(patientId),
      case_id: null,
    });
    const lifted = await send('social', LiftPatientBlockDocument, { input: { patientId } });
    expect(commandRows(lifted.rows, 'CHANGE', 'IDENTITY').write).toMatchObject({
      patient_id: uuidOf(patientId),
      case_id: null,
    });
  });
});

const DOCUMENTS: Record<string, Parameters<typeof print>[0]> = {
  sendPlanningBasis: SendPlanningBasisDocument,
  appointFixedCareContact: AppointFixedCareContactDocument,
  notifyReadyForDischarge: NotifyReadyForDischargeDocument,
  withdrawReadyForDischarge: WithdrawReadyForDischargeDocument,
  recordConsent: RecordConsentDocument,
  callToSip: CallToSipDocument,
  createCarePlan: CreateCarePlanDocument,
  addNote: AddNoteDocument,
  acknowledge: AcknowledgeDocument,
  announceDischarge: AnnounceDischargeDocument,
  discharge: DischargeDocument,
  closeCase: CloseCaseDocument,
};

async function inputFor(mutation: string): Promise<object> {
  const ward = await unitGlobalId(server.owner, WARD_KAROLINSKA_GERIATRIK);
  const social = await unitGlobalId(server.owner, SOC_SOLNA);
  const primary = await unitGlobalId(server.owner, VC_SOLNA);
  const hour = 3_600_000;
  switch (mutation) {
    case 'sendPlanningBasis':
      return {
        caseId,
        diagnosisSummary: 'Pneumoni',
        functionalStatus: 'Går själv',
        adl: {
          bathing: 'INDEPENDENT',
          dressing: 'INDEPENDENT',
          toileting: 'INDEPENDENT',
          transferring: 'INDEPENDENT',
          continence: 'INDEPENDENT',
          feeding: 'INDEPENDENT',
        },
        expectedNeeds: 'Trygghetslarm',
      };
    case 'appointFixedCareContact':
      return { caseId, name: 'Eva', unitId: primary };
    case 'notifyReadyForDischarge':
      return { caseId, readyAt: new Date().toISOString() };
    case 'withdrawReadyForDischarge':
      return { caseId, reason: 'Feber' };
    case 'recordConsent':
      return { caseId, consent: 'GIVEN' };
    case 'callToSip':
      return {
        caseId,
        meetingAt: new Date(Date.now() + 24 * hour).toISOString(),
        participantUnitIds: [ward, social, primary],
        message: 'Välkomna',
      };
    case 'createCarePlan':
      return {
        caseId,
        kind: 'SIP',
        summary: 'Hem',
        items: [{ responsibleUnitId: social, action: 'Larm' }],
        participants: [],
        status: 'DRAFT',
      };
    case 'addNote':
      return { caseId, text: 'Anteckning' };
    case 'acknowledge': {
      const { rows } = await server.owner.query<{ id: string }>(
        `SELECT e.id FROM case_event e WHERE e.case_id = $1 AND e.type = 'ADMISSION_NOTICE_SENT'`,
        [uuidOf(caseId)],
      );
      return { caseId, eventId: Buffer.from(`CaseEvent:${rows[0]!.id}`).toString('base64') };
    }
    case 'announceDischarge':
      return { caseId, plannedAt: new Date(Date.now() + 2 * hour).toISOString() };
    case 'discharge':
      return {
        caseId,
        dischargedAt: new Date().toISOString(),
        information: {
          destination: 'HOME',
          medicationChanges: [],
          followUpContacts: [],
          warningSigns: 'Ring 1177',
          summary: 'Frisk',
        },
      };
    case 'closeCase':
      return { caseId, reason: 'DISCHARGED' };
    default:
      throw new Error(mutation);
  }
}
