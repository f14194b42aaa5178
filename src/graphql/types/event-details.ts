import type { CaseEventPayloads } from '../../domain/case/payloads.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { rowOf } from '../row-loaders.js';
import { CarePlan } from './care-plan.js';
import { CaseEvent } from './case-event.js';
import { FollowUpContact, MedicationChange } from './discharge-information.js';
import {
  AdlLevel,
  CarePlanKind,
  CarePlanStatus,
  CaseCloseReason,
  CaseEventType,
  CasePartyRole,
  CaseStatus,
  CompulsoryCare,
  ConsentStatus,
  DischargeDestination,
} from './enums.js';
import { Note } from './note.js';
import { Unit } from './unit.js';

/**
 * `CaseEvent.details`: each event type's payload as its own GraphQL type, so a client
 * reads typed fields instead of a JSON object, and finds the units, events, care plans and
 * notes a payload names as objects with global ids (the payload stores database ids).
 * The shapes are those of src/domain/case/payloads.ts; a payload is never changed.
 */
type EventType = keyof CaseEventPayloads;

/** What a details type reads: the event's payload, with its case for loading what it names. */
export interface EventDetails<K extends EventType = EventType> {
  caseId: string;
  type: K;
  payload: CaseEventPayloads[K];
}

/** The details of an event of any type, as one discriminated union. */
export type AnyEventDetails = { [K in EventType]: EventDetails<K> }[EventType];

/** A row the payload names; a missing unit means a broken reference, not a hidden one. */
async function unitOf(ctx: Context, id: string) {
  const unit = await rowOf(ctx, 'unit', id);
  if (!unit) throw new Error(`event payload names unit ${id}, which does not exist`);
  return unit;
}
async function eventOf(ctx: Context, id: string) {
  const event = await rowOf(ctx, 'caseEvent', id);
  if (!event) throw new Error(`event payload names event ${id}, which is not in a visible case`);
  return event;
}
async function carePlanOf(ctx: Context, id: string) {
  const plan = await rowOf(ctx, 'carePlan', id);
  if (!plan) throw new Error(`event payload names care plan ${id}, which is not in a visible case`);
  return plan;
}

const details = <K extends EventType>(type: K) =>
  builder.objectRef<EventDetails<K>>(typeNames[type]);

const typeNames: Record<EventType, string> = {
  ADMISSION_NOTICE_SENT: 'AdmissionNoticeDetails',
  ACKNOWLEDGED: 'AcknowledgedDetails',
  PLANNING_BASIS_SENT: 'PlanningBasisDetails',
  FIXED_CARE_CONTACT_APPOINTED: 'FixedCareContactAppointedDetails',
  READY_FOR_DISCHARGE_NOTIFIED: 'ReadyForDischargeNotifiedDetails',
  READY_FOR_DISCHARGE_WITHDRAWN: 'ReadyForDischargeWithdrawnDetails',
  SIP_CALLED: 'SipCalledDetails',
  CARE_PLAN_CREATED: 'CarePlanCreatedDetails',
  CARE_PLAN_REVISED: 'CarePlanRevisedDetails',
  CARE_PLAN_PUBLISHED_TO_PATIENT: 'CarePlanPublishedToPatientDetails',
  CARE_PLAN_PUBLICATION_WITHDRAWN: 'CarePlanPublicationWithdrawnDetails',
  DISCHARGE_ANNOUNCED: 'DischargeAnnouncedDetails',
  DISCHARGED: 'DischargedDetails',
  MESSAGE_ANNULLED: 'MessageAnnulledDetails',
  RESPONSIBILITY_TRANSFERRED: 'ResponsibilityTransferredDetails',
  NOTE_ADDED: 'NoteAddedDetails',
  CONSENT_RECORDED: 'ConsentRecordedDetails',
  CASE_CLOSED: 'CaseClosedDetails',
};

const AdmissionParty = builder
  .objectRef<{
    unitId: string;
    role: CaseEventPayloads['ADMISSION_NOTICE_SENT']['parties'][number]['role'];
  }>('AdmissionNoticeParty')
  .implement({
    description: 'A unit the admission notice made a party to the case, and its role.',
    fields: (t) => ({
      unit: t.field({
        type: Unit,
        description: 'The unit.',
        resolve: (p, _args, ctx) => unitOf(ctx, p.unitId),
      }),
      role: t.expose('role', { type: CasePartyRole, description: 'Its role in the case.' }),
    }),
  });

const AdmissionNoticeDetails = details('ADMISSION_NOTICE_SENT');
AdmissionNoticeDetails.implement({
  description: 'Inskrivningsmeddelande: the ward opened the case.',
  fields: (t) => ({
    admittedAt: t.field({
      type: 'DateTime',
      description: 'When the patient was admitted to inpatient care.',
      resolve: (d) => new Date(d.payload.admittedAt),
    }),
    psychiatric: t.boolean({
      description: 'Psychiatric inpatient care (other time limits apply).',
      resolve: (d) => d.payload.psychiatric,
    }),
    compulsoryCare: t.field({
      type: CompulsoryCare,
      description: 'Compulsory psychiatric care, if any, at admission.',
      resolve: (d) => d.payload.compulsoryCare,
    }),
    parties: t.field({
      type: [AdmissionParty],
      description: 'The units the notice was sent to, with their roles.',
      resolve: (d) => d.payload.parties,
    }),
    expectedNeeds: t.string({
      nullable: true,
      description: 'The support the ward expects the patient to need, if it said.',
      resolve: (d) => d.payload.expectedNeeds,
    }),
    sentWithin24h: t.boolean({
      description:
        'Sent within 24 hours of admission, as the law asks (a late notice still counts).',
      resolve: (d) => d.payload.sentWithin24h,
    }),
  }),
});

const AcknowledgedDetails = details('ACKNOWLEDGED');
AcknowledgedDetails.implement({
  description: 'Kvittens: the author’s unit confirmed it received a message.',
  fields: (t) => ({
    event: t.field({
      type: CaseEvent,
      description: 'The message acknowledged.',
      resolve: (d, _args, ctx) => eventOf(ctx, d.payload.eventId),
    }),
  }),
});

const KatzAdl = builder
  .objectRef<CaseEventPayloads['PLANNING_BASIS_SENT']['adl']>('KatzAdl')
  .implement({
    description: 'Katz ADL index: the six personal activities of daily living.',
    fields: (t) => ({
      bathing: t.expose('bathing', { type: AdlLevel, description: 'Bathing.' }),
      dressing: t.expose('dressing', { type: AdlLevel, description: 'Dressing.' }),
      toileting: t.expose('toileting', { type: AdlLevel, description: 'Going to the toilet.' }),
      transferring: t.expose('transferring', {
        type: AdlLevel,
        description: 'Moving between bed and chair.',
      }),
      continence: t.expose('continence', { type: AdlLevel, description: 'Continence.' }),
      feeding: t.expose('feeding', { type: AdlLevel, description: 'Eating.' }),
    }),
  });

const PlanningBasisDetails = details('PLANNING_BASIS_SENT');
PlanningBasisDetails.implement({
  description:
    'Planeringsunderlag: the ward’s basis for the receivers’ planning (health information).',
  fields: (t) => ({
    diagnosisSummary: t.string({
      description: 'Why the patient is in hospital, in words the receivers can act on.',
      resolve: (d) => d.payload.diagnosisSummary,
    }),
    functionalStatus: t.string({
      description: 'Mobility, cognition and communication as the ward assesses them.',
      resolve: (d) => d.payload.functionalStatus,
    }),
    adl: t.field({
      type: KatzAdl,
      description: 'The Katz ADL assessment.',
      resolve: (d) => d.payload.adl,
    }),
    livingSituation: t.string({
      nullable: true,
      description: 'Housing and support before admission, if given.',
      resolve: (d) => d.payload.livingSituation,
    }),
    expectedNeeds: t.string({
      description: 'The support the ward expects the patient to need after discharge.',
      resolve: (d) => d.payload.expectedNeeds,
    }),
    assistiveAids: t.stringList({
      description: 'Assistive aids the patient uses or will need.',
      resolve: (d) => d.payload.assistiveAids,
    }),
    estimatedReadyOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'The ward’s estimate of the day the patient will be ready for discharge.',
      resolve: (d) => d.payload.estimatedReadyOn,
    }),
  }),
});

const FixedCareContactAppointedDetails = details('FIXED_CARE_CONTACT_APPOINTED');
FixedCareContactAppointedDetails.implement({
  description: 'Fast vårdkontakt: primary care named the patient’s fixed care contact.',
  fields: (t) => ({
    name: t.string({ description: 'The contact’s name.', resolve: (d) => d.payload.name }),
    hsaId: t.string({
      nullable: true,
      description: 'The contact’s employee HSA-ID, if given.',
      resolve: (d) => d.payload.hsaId,
    }),
    unit: t.field({
      type: Unit,
      description: 'The unit the contact works at.',
      resolve: (d, _args, ctx) => unitOf(ctx, d.payload.unitId),
    }),
  }),
});

const ReadyForDischargeNotifiedDetails = details('READY_FOR_DISCHARGE_NOTIFIED');
ReadyForDischargeNotifiedDetails.implement({
  description: 'Utskrivningsklar: the physician judged the patient ready for discharge.',
  fields: (t) => ({
    readyAt: t.field({
      type: 'DateTime',
      description: 'The time of the judgement; payment responsibility counts from it.',
      resolve: (d) => new Date(d.payload.readyAt),
    }),
  }),
});

const ReadyForDischargeWithdrawnDetails = details('READY_FOR_DISCHARGE_WITHDRAWN');
ReadyForDischargeWithdrawnDetails.implement({
  description: 'The ready notice was withdrawn (the patient is no longer ready).',
  fields: (t) => ({
    reason: t.string({
      description: 'Why, in the ward’s words.',
      resolve: (d) => d.payload.reason,
    }),
    readyAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The ready time that no longer stands.',
      resolve: (d) => (d.payload.readyAt === null ? null : new Date(d.payload.readyAt)),
    }),
  }),
});

const SipCalledDetails = details('SIP_CALLED');
SipCalledDetails.implement({
  description: 'Kallelse till SIP: a call to a coordinated individual planning meeting.',
  fields: (t) => ({
    meetingAt: t.field({
      type: 'DateTime',
      description: 'When the meeting is.',
      resolve: (d) => new Date(d.payload.meetingAt),
    }),
    participants: t.field({
      type: [Unit],
      description: 'The units called to the meeting.',
      resolve: (d, _args, ctx) =>
        Promise.all(d.payload.participantUnitIds.map((id) => unitOf(ctx, id))),
    }),
    message: t.string({ description: 'The call’s text.', resolve: (d) => d.payload.message }),
    withinThreeDaysOfReady: t.boolean({
      nullable: true,
      description:
        'Called within 3 calendar days of the ready notice; null when no ready notice stood.',
      resolve: (d) => d.payload.withinThreeDaysOfReady,
    }),
  }),
});

const CarePlanCreatedDetails = details('CARE_PLAN_CREATED');
CarePlanCreatedDetails.implement({
  description: 'A care plan (vårdplan, SIP) was created.',
  fields: (t) => ({
    carePlan: t.field({
      type: CarePlan,
      description: 'The plan.',
      resolve: (d, _args, ctx) => carePlanOf(ctx, d.payload.carePlanId),
    }),
    kind: t.field({
      type: CarePlanKind,
      description: 'What kind of plan.',
      resolve: (d) => d.payload.kind,
    }),
    version: t.int({
      description: 'The plan version created (1).',
      resolve: (d) => d.payload.version,
    }),
    status: t.field({
      type: CarePlanStatus,
      description: 'The status it was created with.',
      resolve: (d) => d.payload.status,
    }),
  }),
});

const CarePlanRevisedDetails = details('CARE_PLAN_REVISED');
CarePlanRevisedDetails.implement({
  description: 'A care plan was revised into a new version.',
  fields: (t) => ({
    carePlan: t.field({
      type: CarePlan,
      description: 'The plan.',
      resolve: (d, _args, ctx) => carePlanOf(ctx, d.payload.carePlanId),
    }),
    version: t.int({ description: 'The new version.', resolve: (d) => d.payload.version }),
    status: t.field({
      type: CarePlanStatus,
      description: 'The status of the new version.',
      resolve: (d) => d.payload.status,
    }),
    previousStatus: t.field({
      type: CarePlanStatus,
      description: 'The status of the version before.',
      resolve: (d) => d.payload.previousStatus,
    }),
  }),
});

const CarePlanPublishedToPatientDetails = details('CARE_PLAN_PUBLISHED_TO_PATIENT');
CarePlanPublishedToPatientDetails.implement({
  description:
    'The parties published a version of a care plan to the patient (1177, through GetCarePlans).',
  fields: (t) => ({
    carePlan: t.field({
      type: CarePlan,
      description: 'The plan.',
      resolve: (d, _args, ctx) => carePlanOf(ctx, d.payload.carePlanId),
    }),
    version: t.int({ description: 'The version published.', resolve: (d) => d.payload.version }),
    replacedVersion: t.int({
      nullable: true,
      description: 'The version published before, which this one replaces; null when none was.',
      resolve: (d) => d.payload.replacedVersion,
    }),
  }),
});

const CarePlanPublicationWithdrawnDetails = details('CARE_PLAN_PUBLICATION_WITHDRAWN');
CarePlanPublicationWithdrawnDetails.implement({
  description:
    'The plan is no longer published to the patient: the next request from the national platform gets none of it.',
  fields: (t) => ({
    carePlan: t.field({
      type: CarePlan,
      description: 'The plan.',
      resolve: (d, _args, ctx) => carePlanOf(ctx, d.payload.carePlanId),
    }),
    version: t.int({
      description: 'The version that was published until now.',
      resolve: (d) => d.payload.version,
    }),
    reason: t.string({ description: 'Why it was withdrawn.', resolve: (d) => d.payload.reason }),
  }),
});

const DischargeAnnouncedDetails = details('DISCHARGE_ANNOUNCED');
DischargeAnnouncedDetails.implement({
  description: 'Utskrivningsmeddelande: the ward announced when the patient leaves.',
  fields: (t) => ({
    plannedAt: t.field({
      type: 'DateTime',
      description: 'The planned discharge time.',
      resolve: (d) => new Date(d.payload.plannedAt),
    }),
    previousPlannedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The time announced before, when this one moves it.',
      resolve: (d) =>
        d.payload.previousPlannedAt === null ? null : new Date(d.payload.previousPlannedAt),
    }),
  }),
});

const DischargedDetails = details('DISCHARGED');
DischargedDetails.implement({
  description:
    'Utskrivning: the patient left the ward, with the information at discharge (health information).',
  fields: (t) => ({
    dischargedAt: t.field({
      type: 'DateTime',
      description: 'When the patient left.',
      resolve: (d) => new Date(d.payload.dischargedAt),
    }),
    fromStatus: t.field({
      type: CaseStatus,
      description: 'The case status before the discharge.',
      resolve: (d) => d.payload.fromStatus,
    }),
    readyNoticeInForce: t.boolean({
      description:
        'False when the patient left without a standing ready notice: no payment days follow.',
      resolve: (d) => d.payload.readyNoticeInForce,
    }),
    destination: t.field({
      type: DischargeDestination,
      description: 'Where the patient went.',
      resolve: (d) => d.payload.information.destination,
    }),
    destinationDetail: t.string({
      nullable: true,
      description: 'Where exactly (required when the destination is OTHER).',
      resolve: (d) => d.payload.information.destinationDetail,
    }),
    medicationChanges: t.field({
      type: [MedicationChange],
      description: 'Medications started, changed or stopped during the stay.',
      resolve: (d) => d.payload.information.medicationChanges,
    }),
    followUpContacts: t.field({
      type: [FollowUpContact],
      description: 'Whom the patient sees next.',
      resolve: (d) => d.payload.information.followUpContacts,
    }),
    homeCareStartsOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'The first day of home care or home health care, if any.',
      resolve: (d) => d.payload.information.homeCareStartsOn,
    }),
    assistiveAids: t.stringList({
      description: 'Assistive aids the patient takes home.',
      resolve: (d) => d.payload.information.assistiveAids,
    }),
    warningSigns: t.string({
      description: 'Warning signs and when to seek care.',
      resolve: (d) => d.payload.information.warningSigns,
    }),
    summary: t.string({
      description: 'A summary of the stay for the patient.',
      resolve: (d) => d.payload.information.summary,
    }),
  }),
});

const MessageAnnulledDetails = details('MESSAGE_ANNULLED');
MessageAnnulledDetails.implement({
  description: 'Makulering: the author’s unit voided a message sent in error.',
  fields: (t) => ({
    event: t.field({
      type: CaseEvent,
      description: 'The message voided; it stays in the list.',
      resolve: (d, _args, ctx) => eventOf(ctx, d.payload.eventId),
    }),
    annulledType: t.field({
      type: CaseEventType,
      description: 'The type of the message voided.',
      resolve: (d) => d.payload.annulledType,
    }),
    reason: t.string({ description: 'Why it was voided.', resolve: (d) => d.payload.reason }),
  }),
});

const ResponsibilityTransferredDetails = details('RESPONSIBILITY_TRANSFERRED');
ResponsibilityTransferredDetails.implement({
  description: 'Ansvarsöverflyttning: another unit took over a role in the case.',
  fields: (t) => ({
    from: t.field({
      type: Unit,
      description: 'The unit that handed the role over (it leaves the case).',
      resolve: (d, _args, ctx) => unitOf(ctx, d.payload.fromUnitId),
    }),
    to: t.field({
      type: Unit,
      description: 'The unit that took the role over.',
      resolve: (d, _args, ctx) => unitOf(ctx, d.payload.toUnitId),
    }),
    role: t.field({
      type: CasePartyRole,
      description: 'The role handed over.',
      resolve: (d) => d.payload.role,
    }),
    fixedCareContactCleared: t.boolean({
      description: 'The fixed care contact worked at the unit that left, so the case has none now.',
      resolve: (d) => d.payload.fixedCareContactCleared,
    }),
  }),
});

const NoteAddedDetails = details('NOTE_ADDED');
NoteAddedDetails.implement({
  description: 'A note (chat, tilläggsanteckning) was added.',
  fields: (t) => ({
    note: t.field({
      type: Note,
      nullable: true,
      description:
        'The note; null when it is locked to another organisation than yours (its text is never in the event).',
      resolve: (d, _args, ctx) => rowOf(ctx, 'note', d.payload.noteId),
    }),
    locked: t.boolean({
      description: 'Locked: readable only within the author’s organisation.',
      resolve: (d) => d.payload.locked,
    }),
  }),
});

const ConsentRecordedDetails = details('CONSENT_RECORDED');
ConsentRecordedDetails.implement({
  description: 'Samtycke: the patient’s consent to sharing information was recorded.',
  fields: (t) => ({
    consent: t.field({
      type: ConsentStatus,
      description: 'The consent now.',
      resolve: (d) => d.payload.consent,
    }),
    previous: t.field({
      type: ConsentStatus,
      description: 'The consent before.',
      resolve: (d) => d.payload.previous,
    }),
    consentNote: t.string({
      nullable: true,
      description: 'A note on the consent, if given (named apart from `NoteAddedDetails.note`).',
      resolve: (d) => d.payload.note,
    }),
    supportDeclined: t.boolean({
      nullable: true,
      description:
        'True when the patient declined the support offered after discharge, false when again accepted; null when this record says neither.',
      resolve: (d) => d.payload.supportDeclined ?? null,
    }),
  }),
});

const CaseClosedDetails = details('CASE_CLOSED');
CaseClosedDetails.implement({
  description: 'Ärendet avslutat: the case was closed.',
  fields: (t) => ({
    closeReason: t.field({
      type: CaseCloseReason,
      description: 'Why it was closed (named apart from the text `reason` of other details).',
      resolve: (d) => d.payload.reason,
    }),
    fromStatus: t.field({
      type: CaseStatus,
      description: 'The case status before it closed.',
      resolve: (d) => d.payload.fromStatus,
    }),
  }),
});

export const CaseEventDetails = builder.unionType('CaseEventDetails', {
  description:
    'The typed content of an event, one type per CaseEventType (switch on `__typename`). Replaces the untyped `CaseEvent.payload`.',
  types: [
    AdmissionNoticeDetails,
    AcknowledgedDetails,
    PlanningBasisDetails,
    FixedCareContactAppointedDetails,
    ReadyForDischargeNotifiedDetails,
    ReadyForDischargeWithdrawnDetails,
    SipCalledDetails,
    CarePlanCreatedDetails,
    CarePlanRevisedDetails,
    CarePlanPublishedToPatientDetails,
    CarePlanPublicationWithdrawnDetails,
    DischargeAnnouncedDetails,
    DischargedDetails,
    MessageAnnulledDetails,
    ResponsibilityTransferredDetails,
    NoteAddedDetails,
    ConsentRecordedDetails,
    CaseClosedDetails,
  ],
  resolveType: (d) => typeNames[d.type],
});
