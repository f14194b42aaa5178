import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  EventDetailsDocument,
  type EventDetailsQuery,
  NotifyReadyForDischargeDocument,
  RecordConsentDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
  TransferResponsibilityDocument,
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
} from '../../support/demo.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20, step 3: `CaseEvent.details`, typed per event type. One case goes through all
 * 16 event types over the API; every event's details are compared with its raw payload
 * (kept, deprecated), so a details type that drops or misreads a field fails, and every
 * id a payload holds comes back as an object whose global id `node` takes.
 */
let server: TestServer;
let ward: GraphQLClient;
let primary: GraphQLClient;
let social: GraphQLClient;
const ids: Record<string, string> = {};
let caseId = '';

type Answer = { __typename: string; case?: { id: string } };
async function step(client: GraphQLClient, doc: TypedDocumentNode<any, any>, input: object) {
  const data = (await client.request(doc, { input: { caseId, ...input } })) as Record<
    string,
    Answer
  >;
  const answer = Object.values(data)[0]!;
  if (answer.__typename === 'CommandError') throw new Error(`fixture: ${JSON.stringify(answer)}`);
  return answer;
}

type EventNode = NonNullable<
  Extract<NonNullable<EventDetailsQuery['node']>, { events: unknown }>['events']
>['edges'][number]['node'];

async function events(client: GraphQLClient): Promise<EventNode[]> {
  const { node } = await client.request(EventDetailsDocument, { caseId });
  return (node as { events: { edges: { node: EventNode }[] } }).events.edges.map((e) => e.node);
}

const rawId = (id: string) => decodeGlobalID(id).id;
const noteId = randomUUID();
const carePlanId = randomUUID();
const readyAt = new Date(Date.now() - 2 * 3_600_000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  for (const hsaId of [WARD_KAROLINSKA_GERIATRIK, VC_SOLNA, VC_SODERMALM, SOC_SOLNA]) {
    ids[hsaId] = await unitGlobalId(server.owner, hsaId);
  }
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  primary = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });

  const opened = await step(ward, SendAdmissionNoticeDocument, {
    caseId: undefined,
    personalIdentityNumber: residentWithoutCase(5).personalIdentityNumber,
    admittedAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
    municipalityParties: [{ unitId: ids[SOC_SOLNA], role: 'MUNICIPAL_SOCIAL_SERVICES' }],
    primaryCareUnitId: ids[VC_SOLNA],
    expectedNeeds: 'Hemtjänst',
  });
  caseId = opened.case!.id;
  const [notice] = await events(ward);
  await step(social, AcknowledgeDocument, { eventId: notice!.id });
  await step(ward, SendPlanningBasisDocument, {
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
    livingSituation: 'Bor ensam',
    expectedNeeds: 'Hemtjänst morgon och kväll',
    assistiveAids: ['Rollator'],
    estimatedReadyOn: '2026-12-10',
  });
  await step(primary, AppointFixedCareContactDocument, {
    name: 'Eva Ström',
    hsaId: 'SE2321000016-VC03P9',
    unitId: ids[VC_SOLNA],
  });
  await step(primary, CreateCarePlanDocument, {
    carePlanId,
    kind: 'SIP',
    summary: 'Hemgång med hemtjänst',
    items: [],
    participants: [],
    status: 'DRAFT',
  });
  await step(primary, ReviseCarePlanDocument, {
    carePlanId: globalId('CarePlan', carePlanId),
    expectedPlanVersion: 1,
    summary: 'Hemgång med hemtjänst, överenskommen',
    items: [],
    participants: [],
    status: 'AGREED',
  });
  await step(social, AddNoteDocument, { noteId, text: 'Biståndsbeslut på gång' });
  await step(primary, CallToSipDocument, {
    meetingAt: new Date(Date.now() + 86_400_000).toISOString(),
    participantUnitIds: [ids[WARD_KAROLINSKA_GERIATRIK], ids[SOC_SOLNA]],
    message: 'Välkomna till SIP',
  });
  await step(ward, NotifyReadyForDischargeDocument, { readyAt });
  await step(ward, WithdrawReadyForDischargeDocument, { reason: 'Feber' });
  await step(ward, NotifyReadyForDischargeDocument, {
    readyAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  await step(ward, RecordConsentDocument, { consent: 'GIVEN', note: 'Muntligt' });
  const basis = (await events(ward)).find((e) => e.type === 'PLANNING_BASIS_SENT')!;
  await step(ward, AnnulMessageDocument, { eventId: basis.id, reason: 'Fel underlag' });
  await step(ward, TransferResponsibilityDocument, {
    fromUnitId: ids[VC_SOLNA],
    toUnitId: ids[VC_SODERMALM],
    role: 'PRIMARY_CARE',
  });
  await step(ward, AnnounceDischargeDocument, {
    plannedAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await step(ward, DischargeDocument, {
    dischargedAt: new Date().toISOString(),
    information: {
      destination: 'SHORT_TERM_CARE',
      destinationDetail: 'Solgårdens korttidsboende',
      medicationChanges: [{ medication: 'Alvedon', change: 'STARTED', details: '1 g x 3' }],
      followUpContacts: [{ unitName: 'Vårdcentralen Södermalm' }],
      homeCareStartsOn: '2026-12-12',
      assistiveAids: ['Rollator'],
      warningSigns: 'Feber',
      summary: 'Opererad höftfraktur',
    },
  });
  await step(ward, CloseCaseDocument, { reason: 'DISCHARGED' });
});
afterAll(() => server?.close());

/** What the typed details say, written back in the raw payload's terms. */
function asPayload(e: EventNode): Record<string, unknown> {
  const d = e.details as Record<string, any>;
  const time = (v: string | null) => (v === null ? null : new Date(v).toISOString());
  switch (d.__typename) {
    case 'AdmissionNoticeDetails':
      return {
        admittedAt: time(d.admittedAt),
        psychiatric: d.psychiatric,
        compulsoryCare: d.compulsoryCare,
        parties: d.parties.map((p: any) => ({ unitId: rawId(p.unit.id), role: p.role })),
        expectedNeeds: d.noticeExpectedNeeds,
        sentWithin24h: d.sentWithin24h,
      };
    case 'AcknowledgedDetails':
      return { eventId: rawId(d.event.id) };
    case 'PlanningBasisDetails': {
      const { __typename, ...rest } = d;
      return rest;
    }
    case 'FixedCareContactAppointedDetails':
      return { name: d.name, hsaId: d.hsaId, unitId: rawId(d.unit.id) };
    case 'ReadyForDischargeNotifiedDetails':
      return { readyAt: time(d.readyAt) };
    case 'ReadyForDischargeWithdrawnDetails':
      return { reason: d.reason, readyAt: time(d.withdrawnReadyAt) };
    case 'SipCalledDetails':
      return {
        meetingAt: time(d.meetingAt),
        participantUnitIds: d.participants.map((u: any) => rawId(u.id)),
        message: d.message,
        withinThreeDaysOfReady: d.withinThreeDaysOfReady,
      };
    case 'CarePlanCreatedDetails':
      return {
        carePlanId: rawId(d.carePlan.id),
        kind: d.kind,
        version: d.version,
        status: d.status,
      };
    case 'CarePlanRevisedDetails':
      return {
        carePlanId: rawId(d.carePlan.id),
        version: d.version,
        status: d.status,
        previousStatus: d.previousStatus,
      };
    case 'DischargeAnnouncedDetails':
      return { plannedAt: time(d.plannedAt), previousPlannedAt: time(d.previousPlannedAt) };
    case 'DischargedDetails':
      return {
        dischargedAt: time(d.dischargedAt),
        fromStatus: d.fromStatus,
        readyNoticeInForce: d.readyNoticeInForce,
        information: {
          destination: d.destination,
          destinationDetail: d.destinationDetail,
          medicationChanges: d.medicationChanges,
          followUpContacts: d.followUpContacts,
          homeCareStartsOn: d.homeCareStartsOn,
          assistiveAids: d.assistiveAids,
          warningSigns: d.warningSigns,
          summary: d.summary,
        },
      };
    case 'MessageAnnulledDetails':
      return { eventId: rawId(d.event.id), annulledType: d.annulledType, reason: d.reason };
    case 'ResponsibilityTransferredDetails':
      return {
        fromUnitId: rawId(d.from.id),
        toUnitId: rawId(d.to.id),
        role: d.role,
        fixedCareContactCleared: d.fixedCareContactCleared,
      };
    case 'NoteAddedDetails':
      return { noteId: rawId(d.note.id), locked: d.locked };
    case 'ConsentRecordedDetails':
      return {
        consent: d.consent,
        previous: d.previous,
        note: d.consentNote,
        ...(d.supportDeclined === null ? {} : { supportDeclined: d.supportDeclined }),
      };
    case 'CaseClosedDetails':
      return { reason: d.closeReason, fromStatus: d.fromStatus };
  }
  throw new Error(`no details for ${e.type}: ${JSON.stringify(d)}`);
}

describe('CaseEvent.details', () => {
  it('covers all 16 event types, each with its own details type', async () => {
    const list = await events(ward);
    const types = new Set(list.map((e) => e.type));
    expect(types.size).toBe(16);
    const typenames = new Set(list.map((e) => e.details?.__typename));
    expect(typenames.size).toBe(16);
  });

  it('says what the raw payload says, with ids as objects', async () => {
    for (const e of await events(ward)) {
      const payload = e.payload as Record<string, unknown>;
      // Payload times are ISO strings written by the server; medication details may be null.
      const normalise = (value: unknown) => JSON.parse(JSON.stringify(value));
      expect(normalise(asPayload(e)), String(e.type)).toEqual(normalise(payload));
    }
  });

  it('answers units, events, care plans and notes as objects node can take', async () => {
    const list = await events(ward);
    const transfer = list.find((e) => e.type === 'RESPONSIBILITY_TRANSFERRED')!.details as any;
    expect(transfer.from).toEqual({ id: ids[VC_SOLNA], hsaId: VC_SOLNA });
    expect(transfer.to).toEqual({ id: ids[VC_SODERMALM], hsaId: VC_SODERMALM });
    expect(transfer.fixedCareContactCleared).toBe(true);
    const annulled = list.find((e) => e.type === 'MESSAGE_ANNULLED')!.details as any;
    expect(annulled.event.type).toBe('PLANNING_BASIS_SENT');
    const note = list.find((e) => e.type === 'NOTE_ADDED')!.details as any;
    expect(note.note).toEqual({ id: globalId('Note', noteId), text: 'Biståndsbeslut på gång' });
    const discharged = list.find((e) => e.type === 'DISCHARGED')!.details as any;
    expect(discharged).toMatchObject({
      destination: 'SHORT_TERM_CARE',
      homeCareStartsOn: '2026-12-12',
      medicationChanges: [{ change: 'STARTED' }],
    });
  });

  it('withholds health information exactly as the payload: social services without consent', async () => {
    const other = (await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(6).personalIdentityNumber,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [{ unitId: ids[SOC_SOLNA]!, role: 'MUNICIPAL_SOCIAL_SERVICES' }],
      },
    })) as { sendAdmissionNotice: Answer };
    const saved = caseId;
    caseId = other.sendAdmissionNotice.case!.id;
    try {
      await step(ward, SendPlanningBasisDocument, {
        diagnosisSummary: 'Stroke',
        functionalStatus: 'Sitter i rullstol',
        adl: {
          bathing: 'DEPENDENT',
          dressing: 'DEPENDENT',
          toileting: 'DEPENDENT',
          transferring: 'DEPENDENT',
          continence: 'INDEPENDENT',
          feeding: 'INDEPENDENT',
        },
        expectedNeeds: 'Särskilt boende',
      });
      const seen = await events(social);
      const basis = seen.find((e) => e.type === 'PLANNING_BASIS_SENT')!;
      expect(basis.payload).toBeNull();
      expect(basis.details).toBeNull();
      const notice = seen.find((e) => e.type === 'ADMISSION_NOTICE_SENT')!;
      expect(notice.details?.__typename).toBe('AdmissionNoticeDetails');
    } finally {
      caseId = saved;
    }
  });
});
