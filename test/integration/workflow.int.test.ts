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
  CaseByIdDocument,
  type CaseSummaryFragment,
  CloseCaseDocument,
  CreateCarePlanDocument,
  DischargeDocument,
  NotifyReadyForDischargeDocument,
  RecordConsentDocument,
  ReviseCarePlanDocument,
  SendAdmissionNoticeDocument,
  SendPlanningBasisDocument,
  type SendPlanningBasisInput,
  TransferResponsibilityDocument,
  WithdrawReadyForDischargeDocument,
} from '../generated/graphql.js';
import {
  HSL_SOLNA,
  residentWithoutCase,
  SOC_SODERMALM,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  VC_SOLNA,
  WARD_KAROLINSKA_GERIATRIK,
} from '../support/demo.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The whole discharge process through GraphQL over HTTP, as the ward, the municipality
 * and primary care would do it, followed by the same case's event list.
 */
let server: TestServer;
let ward: GraphQLClient;
let social: GraphQLClient;
let primaryCare: GraphQLClient;
const ids: Record<string, string> = {};
let caseId = '';

/** The case of a successful command; a CommandError fails the test with its code. */
function success(
  result: { case: CaseSummaryFragment | null } | { code: string },
): CaseSummaryFragment {
  if (!('case' in result) || result.case === null) {
    throw new Error(`command refused or case not visible: ${JSON.stringify(result)}`);
  }
  return result.case;
}

beforeAll(async () => {
  server = await startTestServer();
  ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
  social = await server.clientFor(SOC_SOLNA, { roles: ['SOCIAL_SERVICES_STAFF'] });
  primaryCare = await server.clientFor(VC_SOLNA, { roles: ['PRIMARY_CARE_STAFF'] });
  for (const hsaId of [
    WARD_KAROLINSKA_GERIATRIK,
    SOC_SOLNA,
    HSL_SOLNA,
    VC_SOLNA,
    VC_SODERMALM,
    SOC_SODERMALM,
  ]) {
    ids[hsaId] = await unitGlobalId(server.owner, hsaId);
  }
});

afterAll(() => server?.close());

const resident = residentWithoutCase(7);

describe('a case from admission notice to close', () => {
  it('opens the case with the admission notice, finding primary care through the listing', async () => {
    const { sendAdmissionNotice } = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: resident.personalIdentityNumber,
        admittedAt: new Date(Date.now() - 5 * 3_600_000).toISOString(),
        municipalityParties: [
          { unitId: ids[SOC_SOLNA]!, role: 'MUNICIPAL_SOCIAL_SERVICES' },
          { unitId: ids[HSL_SOLNA]!, role: 'MUNICIPAL_HEALTH_CARE' },
        ],
        expectedNeeds: 'Hemtjänst',
      },
    });
    const opened = success(sendAdmissionNotice) as {
      id: string;
      status: string;
      version: number;
      ward: { hsaId: string };
      primaryCareUnit: { hsaId: string } | null;
      patient: { personalIdentityNumber: string; givenName: string };
    };
    caseId = opened.id;
    expect(opened.status).toBe('PLANNING');
    expect(opened.version).toBe(1);
    expect(opened.ward.hsaId).toBe(WARD_KAROLINSKA_GERIATRIK);
    expect(opened.primaryCareUnit?.hsaId).toBe(VC_SOLNA);
    expect(opened.patient.personalIdentityNumber).toBe(resident.personalIdentityNumber);
    expect(opened.patient.givenName).toBe(resident.givenName);
  });

  it('lets each receiver acknowledge the admission notice once', async () => {
    const events = await eventList();
    const notice = events.find((e) => e.type === 'ADMISSION_NOTICE_SENT')!;
    expect(notice.recipients!.map((r) => r.unit.hsaId).sort()).toEqual(
      [HSL_SOLNA, SOC_SOLNA, VC_SOLNA].sort(),
    );
    const { acknowledge } = await social.request(AcknowledgeDocument, {
      input: { caseId, eventId: notice.id },
    });
    expect(success(acknowledge).version).toBe(2);
    const again = await social.request(AcknowledgeDocument, {
      input: { caseId, eventId: notice.id },
    });
    expect(again.acknowledge).toMatchObject({
      __typename: 'CommandError',
      code: 'ALREADY_ACKNOWLEDGED',
    });
    const after = (await eventList()).find((e) => e.id === notice.id)!;
    expect(after.acknowledgements!.map((a) => a.unit.hsaId)).toEqual([SOC_SOLNA]);
  });

  it('takes the planning basis from the ward only', async () => {
    const input = {
      caseId,
      diagnosisSummary: 'Stroke, vänstersidig svaghet',
      functionalStatus: 'Behöver hjälp vid förflyttning',
      adl: {
        bathing: 'DEPENDENT',
        dressing: 'DEPENDENT',
        toileting: 'PARTLY_DEPENDENT',
        transferring: 'PARTLY_DEPENDENT',
        continence: 'INDEPENDENT',
        feeding: 'INDEPENDENT',
      },
      expectedNeeds: 'Hemtjänst fyra gånger per dygn',
      assistiveAids: ['Rullstol'],
    } satisfies SendPlanningBasisInput;
    // Social services may not write medical information at all (the policy); primary care
    // may, but the planning basis is the ward's to send (the process).
    const forbidden = await social.request(SendPlanningBasisDocument, { input });
    expect(forbidden.sendPlanningBasis).toMatchObject({
      __typename: 'CommandError',
      code: 'FORBIDDEN',
    });
    const refused = await primaryCare.request(SendPlanningBasisDocument, { input });
    expect(refused.sendPlanningBasis).toMatchObject({
      __typename: 'CommandError',
      code: 'WRONG_PARTY',
    });
    const { sendPlanningBasis } = await ward.request(SendPlanningBasisDocument, { input });
    expect(success(sendPlanningBasis).version).toBe(3);
  });

  it('records the fixed care contact named by primary care', async () => {
    const { appointFixedCareContact } = await primaryCare.request(AppointFixedCareContactDocument, {
      input: { caseId, name: 'Distriktssköterska Eva Ström', unitId: ids[VC_SOLNA]! },
    });
    expect(success(appointFixedCareContact)).toMatchObject({
      fixedCareContactName: 'Distriktssköterska Eva Ström',
    });
  });

  it('notifies ready for discharge, withdraws it and notifies again', async () => {
    const readyAt = new Date(Date.now() - 3_600_000).toISOString();
    const ready = success(
      (await ward.request(NotifyReadyForDischargeDocument, { input: { caseId, readyAt } }))
        .notifyReadyForDischarge,
    ) as { status: string; readyForDischargeAt: string };
    expect(ready.status).toBe('READY_FOR_DISCHARGE');
    expect(ready.readyForDischargeAt).toBe(readyAt);
    const twice = await ward.request(NotifyReadyForDischargeDocument, {
      input: { caseId, readyAt },
    });
    expect(twice.notifyReadyForDischarge).toMatchObject({ code: 'INVALID_STATE' });

    const withdrawn = success(
      (
        await ward.request(WithdrawReadyForDischargeDocument, {
          input: { caseId, reason: 'Feber' },
        })
      ).withdrawReadyForDischarge,
    ) as { status: string; readyWithdrawnAt: string | null };
    expect(withdrawn.status).toBe('PLANNING');
    expect(withdrawn.readyWithdrawnAt).not.toBeNull();
    const again = success(
      (
        await ward.request(NotifyReadyForDischargeDocument, {
          input: { caseId, readyAt: new Date().toISOString() },
        })
      ).notifyReadyForDischarge,
    );
    expect(again.status).toBe('READY_FOR_DISCHARGE');
  });

  it('records consent and calls to SIP', async () => {
    const consent = success(
      (await ward.request(RecordConsentDocument, { input: { caseId, consent: 'GIVEN' } }))
        .recordConsent,
    );
    expect(consent.consent).toBe('GIVEN');
    const { callToSip } = await primaryCare.request(CallToSipDocument, {
      input: {
        caseId,
        meetingAt: new Date(Date.now() + 86_400_000).toISOString(),
        participantUnitIds: [ids[WARD_KAROLINSKA_GERIATRIK]!, ids[SOC_SOLNA]!, ids[VC_SOLNA]!],
        message: 'Välkomna',
      },
    });
    expect((success(callToSip) as { sipCalledAt: string | null }).sipCalledAt).not.toBeNull();
  });

  let carePlanId = '';
  it('creates a care plan and revises it into a new version, keeping the first', async () => {
    const items = [
      { responsibleUnitId: ids[SOC_SOLNA]!, action: 'Hemtjänst', dueOn: '2026-12-01' },
    ];
    const participants = [{ name: 'Patienten', role: 'Patient' }];
    const created = await primaryCare.request(CreateCarePlanDocument, {
      input: { caseId, kind: 'SIP', summary: 'Hemgång', items, participants, status: 'DRAFT' },
    });
    success(created.createCarePlan);
    const detail = await ward.request(CaseByIdDocument, { id: caseId });
    carePlanId = detail.case!.carePlans![0]!.id;

    const revised = await social.request(ReviseCarePlanDocument, {
      input: {
        caseId,
        carePlanId,
        expectedPlanVersion: 1,
        summary: 'Hemgång, överenskommen',
        items,
        participants,
        status: 'AGREED',
      },
    });
    success(revised.reviseCarePlan);
    const stale = await social.request(ReviseCarePlanDocument, {
      input: {
        caseId,
        carePlanId,
        expectedPlanVersion: 1,
        summary: 'x',
        items,
        participants,
        status: 'AGREED',
      },
    });
    expect(stale.reviseCarePlan).toMatchObject({
      __typename: 'CommandError',
      code: 'CONCURRENT_MODIFICATION',
      field: 'expectedPlanVersion',
    });

    const plans = (await ward.request(CaseByIdDocument, { id: caseId })).case!.carePlans;
    expect(plans![0]!.versions!.map((v) => [v.version, v.status, v.summary])).toEqual([
      [1, 'DRAFT', 'Hemgång'],
      [2, 'AGREED', 'Hemgång, överenskommen'],
    ]);
    expect(plans![0]!.current!.version).toBe(2);
    expect(plans![0]!.versions![0]!.items[0]!.responsibleUnit.hsaId).toBe(SOC_SOLNA);
  });

  it('adds notes, hiding a locked note from other organisations', async () => {
    success(
      (
        await social.request(AddNoteDocument, {
          input: { caseId, text: 'Till alla', lockedToOrganization: false },
        })
      ).addNote,
    );
    success(
      (
        await social.request(AddNoteDocument, {
          input: { caseId, text: 'Bara kommunen', lockedToOrganization: true },
        })
      ).addNote,
    );
    const seenBySocial = (await social.request(CaseByIdDocument, { id: caseId })).case!.notes!.map(
      (n) => n.text,
    );
    const seenByWard = (await ward.request(CaseByIdDocument, { id: caseId })).case!.notes!.map(
      (n) => n.text,
    );
    expect(seenBySocial).toEqual(['Till alla', 'Bara kommunen']);
    expect(seenByWard).toEqual(['Till alla']);
    const noteEvents = (await eventList()).filter((e) => e.type === 'NOTE_ADDED');
    expect(JSON.stringify(noteEvents)).not.toContain('Bara kommunen');
  });

  it('annuls a message sent in error, only by its author', async () => {
    const basis = (await eventList()).find((e) => e.type === 'PLANNING_BASIS_SENT')!;
    const byOther = await social.request(AnnulMessageDocument, {
      input: { caseId, eventId: basis.id, reason: 'fel' },
    });
    expect(byOther.annulMessage).toMatchObject({ code: 'WRONG_PARTY' });
    success(
      (
        await ward.request(AnnulMessageDocument, {
          input: { caseId, eventId: basis.id, reason: 'Fel patient i underlaget' },
        })
      ).annulMessage,
    );
    const events = await eventList();
    expect(events.filter((e) => e.id === basis.id)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      type: 'MESSAGE_ANNULLED',
      payload: { eventId: decodeGlobalID(basis.id).id },
    });
    const notAnnullable = events.find((e) => e.type === 'READY_FOR_DISCHARGE_NOTIFIED')!;
    const refused = await ward.request(AnnulMessageDocument, {
      input: { caseId, eventId: notAnnullable.id, reason: 'x' },
    });
    expect(refused.annulMessage).toMatchObject({ code: 'NOT_ANNULLABLE' });
  });

  it('transfers primary-care responsibility to another unit, keeping the former party', async () => {
    const wrongKind = await ward.request(TransferResponsibilityDocument, {
      input: {
        caseId,
        fromUnitId: ids[VC_SOLNA]!,
        toUnitId: ids[SOC_SODERMALM]!,
        role: 'PRIMARY_CARE',
      },
    });
    expect(wrongKind.transferResponsibility).toMatchObject({ code: 'UNIT_KIND_MISMATCH' });
    const moved = success(
      (
        await ward.request(TransferResponsibilityDocument, {
          input: {
            caseId,
            fromUnitId: ids[VC_SOLNA]!,
            toUnitId: ids[VC_SODERMALM]!,
            role: 'PRIMARY_CARE',
          },
        })
      ).transferResponsibility,
    );
    expect(moved.primaryCareUnit?.hsaId).toBe(VC_SODERMALM);
    const parties = (await ward.request(CaseByIdDocument, { id: caseId })).case!.parties;
    const former = parties!.find((p) => p.unit.hsaId === VC_SOLNA)!;
    expect(former.leftAt).not.toBeNull();
    // The unit that left no longer sees the case.
    const gone = await primaryCare.request(CaseByIdDocument, { id: caseId });
    expect(gone.case).toBeNull();
  });

  it('announces the discharge, discharges with printable information and closes the case', async () => {
    const announced = success(
      (
        await ward.request(AnnounceDischargeDocument, {
          input: { caseId, plannedAt: new Date(Date.now() + 3_600_000).toISOString() },
        })
      ).announceDischarge,
    );
    expect(announced.status).toBe('DISCHARGE_ANNOUNCED');
    const earlyClose = await ward.request(CloseCaseDocument, {
      input: { caseId, reason: 'DISCHARGED' },
    });
    expect(earlyClose.closeCase).toMatchObject({ code: 'INVALID_STATE' });

    const discharged = success(
      (
        await ward.request(DischargeDocument, {
          input: {
            caseId,
            dischargedAt: new Date().toISOString(),
            information: {
              destination: 'HOME',
              medicationChanges: [
                { medication: 'Waran', change: 'CHANGED', details: '<b>dos</b> enligt ordination' },
              ],
              followUpContacts: [
                {
                  unitName: 'Vårdcentral Södermalm',
                  phone: '08-123 100 01',
                  when: 'Inom en vecka',
                },
              ],
              warningSigns: 'Ring 1177 vid försämring',
              summary: 'Stroke med god återhämtning',
            },
          },
        })
      ).discharge,
    );
    expect(discharged.status).toBe('DISCHARGED');
    const info = (await ward.request(CaseByIdDocument, { id: caseId })).case!.dischargeInformation!;
    expect(info.destination).toBe('HOME');
    expect(info.printableHtml).toContain('Information vid utskrivning');
    expect(info.printableHtml).toContain('&lt;b&gt;dos&lt;/b&gt;');
    expect(info.printableHtml).not.toContain('<b>dos</b>');

    const closed = success(
      (await ward.request(CloseCaseDocument, { input: { caseId, reason: 'DISCHARGED' } }))
        .closeCase,
    ) as { status: string; closedAt: string | null };
    expect(closed.status).toBe('CLOSED');
    const afterClose = await social.request(AddNoteDocument, { input: { caseId, text: 'sent' } });
    expect(afterClose.addNote).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('keeps a gapless, ordered event list with authors and recipients', async () => {
    const events = await eventList();
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'ADMISSION_NOTICE_SENT',
      'ACKNOWLEDGED',
      'PLANNING_BASIS_SENT',
      'FIXED_CARE_CONTACT_APPOINTED',
      'READY_FOR_DISCHARGE_NOTIFIED',
      'READY_FOR_DISCHARGE_WITHDRAWN',
      'READY_FOR_DISCHARGE_NOTIFIED',
      'CONSENT_RECORDED',
      'SIP_CALLED',
      'CARE_PLAN_CREATED',
      'CARE_PLAN_REVISED',
      'NOTE_ADDED',
      'NOTE_ADDED',
      'MESSAGE_ANNULLED',
      'RESPONSIBILITY_TRANSFERRED',
      'DISCHARGE_ANNOUNCED',
      'DISCHARGED',
      'CASE_CLOSED',
    ]);
    expect(events[0]!.authorUnit!.hsaId).toBe(WARD_KAROLINSKA_GERIATRIK);
  });
});

async function eventList() {
  const result = await ward.request(CaseByIdDocument, { id: caseId });
  return result.case!.events!.edges.map((e) => e.node);
}
