/**
 * The payload each event type carries in the event list (händelselista). Payloads are
 * stored as JSON, so times are ISO 8601 strings and calendar days YYYY-MM-DD. They are
 * read by everyone who sees the event list: nothing in them may be narrower than the
 * event itself (a locked note's text never goes here).
 */
import type { DischargeInformation } from './discharge-information.js';
import type {
  CarePlanKind,
  CarePlanStatus,
  CaseEventType,
  CaseStatus,
  CloseReason,
  CompulsoryCare,
  ConsentStatus,
  PartyRole,
} from './model.js';
import type { PlanningBasis } from './planning-basis.js';

export type AdmissionNoticePayload = {
  admittedAt: string;
  psychiatric: boolean;
  compulsoryCare: CompulsoryCare;
  parties: { unitId: string; role: PartyRole }[];
  expectedNeeds: string | null;
  /** Lag (2017:612): the notice is due within 24 hours of admission; late ones still count. */
  sentWithin24h: boolean;
};

export type AcknowledgedPayload = { eventId: string };

export type PlanningBasisPayload = PlanningBasis;

export type FixedCareContactPayload = { name: string; hsaId: string | null; unitId: string };

export type ReadyForDischargePayload = {
  /** The physician's judgement, with its time of day: agreements count from it. */
  readyAt: string;
};

export type ReadyWithdrawnPayload = {
  reason: string;
  /** The ready time that no longer stands. */
  readyAt: string | null;
};

export type SipCalledPayload = {
  meetingAt: string;
  participantUnitIds: string[];
  message: string;
  /** Called within 3 calendar days of the ready notice; null when no ready notice stands. */
  withinThreeDaysOfReady: boolean | null;
};

export type CarePlanCreatedPayload = {
  carePlanId: string;
  kind: CarePlanKind;
  version: number;
  status: CarePlanStatus;
};

export type CarePlanRevisedPayload = {
  carePlanId: string;
  version: number;
  status: CarePlanStatus;
  previousStatus: CarePlanStatus;
};

/** The parties agreed a version is the patient's to read on 1177 (published through GetCarePlans). */
export type CarePlanPublishedPayload = {
  carePlanId: string;
  version: number;
  /** The version published before, which this one replaces; null when none was. */
  replacedVersion: number | null;
};

/** The plan is no longer published: the next request from the national platform gets none of it. */
export type CarePlanPublicationWithdrawnPayload = {
  carePlanId: string;
  version: number;
  reason: string;
};

export type DischargeAnnouncedPayload = {
  plannedAt: string;
  previousPlannedAt: string | null;
};

export type DischargedPayload = {
  dischargedAt: string;
  fromStatus: CaseStatus;
  /** False when the patient left without a standing ready notice: no payment days follow. */
  readyNoticeInForce: boolean;
  information: DischargeInformation;
};

export type MessageAnnulledPayload = {
  eventId: string;
  annulledType: CaseEventType;
  reason: string;
};

export type ResponsibilityTransferredPayload = {
  fromUnitId: string;
  toUnitId: string;
  role: PartyRole;
  /** The fixed care contact worked at the unit that left, so the case has none now. */
  fixedCareContactCleared: boolean;
};

export type NoteAddedPayload = { noteId: string; locked: boolean };

export type ConsentRecordedPayload = {
  consent: ConsentStatus;
  previous: ConsentStatus;
  note: string | null;
  /**
   * Set when the patient declined (true) or again accepted (false) the support offered
   * after discharge: an exclusion from payment responsibility in some agreements.
   */
  supportDeclined?: boolean;
};

export type CaseClosedPayload = { reason: CloseReason; fromStatus: CaseStatus };

export type CaseEventPayloads = {
  ADMISSION_NOTICE_SENT: AdmissionNoticePayload;
  ACKNOWLEDGED: AcknowledgedPayload;
  PLANNING_BASIS_SENT: PlanningBasisPayload;
  FIXED_CARE_CONTACT_APPOINTED: FixedCareContactPayload;
  READY_FOR_DISCHARGE_NOTIFIED: ReadyForDischargePayload;
  READY_FOR_DISCHARGE_WITHDRAWN: ReadyWithdrawnPayload;
  SIP_CALLED: SipCalledPayload;
  CARE_PLAN_CREATED: CarePlanCreatedPayload;
  CARE_PLAN_REVISED: CarePlanRevisedPayload;
  CARE_PLAN_PUBLISHED_TO_PATIENT: CarePlanPublishedPayload;
  CARE_PLAN_PUBLICATION_WITHDRAWN: CarePlanPublicationWithdrawnPayload;
  DISCHARGE_ANNOUNCED: DischargeAnnouncedPayload;
  DISCHARGED: DischargedPayload;
  MESSAGE_ANNULLED: MessageAnnulledPayload;
  RESPONSIBILITY_TRANSFERRED: ResponsibilityTransferredPayload;
  NOTE_ADDED: NoteAddedPayload;
  CONSENT_RECORDED: ConsentRecordedPayload;
  CASE_CLOSED: CaseClosedPayload;
};
