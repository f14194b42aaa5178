/**
 * The case (ärende) as the workflow sees it: the state a command is decided against, the
 * events a command appends, and the errors it can refuse with. Pure data: no I/O, no
 * Prisma, no GraphQL. Persistence (src/db/case-repository.ts) loads a CaseState, asks a
 * command in ./commands.ts for a Decision and writes that decision in one transaction,
 * guarded by `version` (optimistic concurrency).
 */

export type CaseStatus =
  | 'PLANNING'
  | 'READY_FOR_DISCHARGE'
  | 'DISCHARGE_ANNOUNCED'
  | 'DISCHARGED'
  | 'CLOSED';

export type PartyRole =
  | 'WARD'
  | 'PRIMARY_CARE'
  | 'MUNICIPAL_SOCIAL_SERVICES'
  | 'MUNICIPAL_HEALTH_CARE';

export type CompulsoryCare = 'NONE' | 'OPT' | 'ORV';
export type ConsentStatus = 'NOT_ASKED' | 'GIVEN' | 'DECLINED' | 'CANNOT_BE_OBTAINED';
export type CloseReason =
  | 'DISCHARGED'
  | 'NO_SUPPORT_NEEDED'
  | 'DECEASED'
  | 'TRANSFERRED_TO_OTHER_CARE';
export type CarePlanKind = 'CARE_PLAN' | 'SIMPLIFIED_CARE_PLAN' | 'SIP';
export type CarePlanStatus = 'DRAFT' | 'AGREED' | 'FOLLOWED_UP' | 'CLOSED';

export type CaseEventType =
  | 'ADMISSION_NOTICE_SENT'
  | 'ACKNOWLEDGED'
  | 'PLANNING_BASIS_SENT'
  | 'FIXED_CARE_CONTACT_APPOINTED'
  | 'READY_FOR_DISCHARGE_NOTIFIED'
  | 'READY_FOR_DISCHARGE_WITHDRAWN'
  | 'SIP_CALLED'
  | 'CARE_PLAN_CREATED'
  | 'CARE_PLAN_REVISED'
  | 'CARE_PLAN_PUBLISHED_TO_PATIENT'
  | 'CARE_PLAN_PUBLICATION_WITHDRAWN'
  | 'DISCHARGE_ANNOUNCED'
  | 'DISCHARGED'
  | 'MESSAGE_ANNULLED'
  | 'RESPONSIBILITY_TRANSFERRED'
  | 'NOTE_ADDED'
  | 'CONSENT_RECORDED'
  | 'CASE_CLOSED';

/** A unit's part in a case. Parties are never removed, only given a `leftAt`. */
export interface Party {
  unitId: string;
  role: PartyRole;
  joinedAt: Date;
  leftAt: Date | null;
}

/** The person acting, in the unit of their acting commission (medarbetaruppdrag). */
export interface Actor {
  hsaId: string;
  name: string;
  unitId: string;
  organizationId: string;
}

export interface FixedCareContact {
  name: string;
  hsaId: string | null;
  unitId: string;
}

/** What a command needs to know of an event already in the list. */
export interface EventSummary {
  id: string;
  sequence: number;
  type: CaseEventType;
  authorUnitId: string;
  occurredAt: Date;
  recipientUnitIds: string[];
  acknowledgedByUnitIds: string[];
  /** Set when a later MESSAGE_ANNULLED event annulled this one. */
  annulled: boolean;
}

export interface CarePlanSummary {
  id: string;
  kind: CarePlanKind;
  latestVersion: number;
  status: CarePlanStatus;
  /**
   * The status of every version, by version number, so a command can check the version it
   * is asked about and not only the latest.
   */
  versionStatuses: Readonly<Record<number, CarePlanStatus>>;
  /** The version the parties published to the patient (1177), null when none is. */
  publishedVersion: number | null;
}

export interface CaseState {
  id: string;
  status: CaseStatus;
  psychiatric: boolean;
  compulsoryCare: CompulsoryCare;
  consent: ConsentStatus;
  parties: Party[];
  fixedCareContact: FixedCareContact | null;
  admittedAt: Date;
  admissionNoticeAt: Date | null;
  planningBasisAt: Date | null;
  readyForDischargeAt: Date | null;
  readyWithdrawnAt: Date | null;
  sipCalledAt: Date | null;
  sipMeetingAt: Date | null;
  plannedDischargeAt: Date | null;
  dischargedAt: Date | null;
  closedAt: Date | null;
  closeReason: CloseReason | null;
  version: number;
  events: EventSummary[];
  carePlans: CarePlanSummary[];
}

/** An event a command appends. Persistence gives it an id and the next sequence number. */
export interface NewCaseEvent {
  type: CaseEventType;
  occurredAt: Date;
  author: Actor;
  recipientUnitIds: string[];
  payload: Record<string, unknown>;
}

export interface CarePlanItemInput {
  responsibleUnitId: string;
  action: string;
  dueOn: string | null; // ISO date, Europe/Stockholm calendar day
}

export interface CarePlanParticipantInput {
  name: string;
  role: string;
  unitId: string | null;
}

/** A care-plan version to insert; revisions add a version, never overwrite one. */
export interface NewCarePlanVersion {
  carePlanId: string;
  /** Set when the command created the plan itself. */
  createdPlanKind: CarePlanKind | null;
  version: number;
  status: CarePlanStatus;
  summary: string;
  followUpOn: string | null;
  items: CarePlanItemInput[];
  participants: CarePlanParticipantInput[];
}

export interface NewNote {
  id: string;
  text: string;
  lockedToOrganization: boolean;
}

/** Acknowledgements (kvittens) are rows of their own beside the ACKNOWLEDGED event. */
export interface NewAcknowledgement {
  eventId: string;
  unitId: string;
}

/** What a command decided: the events to append and the case as it is afterwards. */
export interface Decision {
  events: NewCaseEvent[];
  next: CaseState;
  carePlanVersion?: NewCarePlanVersion;
  note?: NewNote;
  acknowledgement?: NewAcknowledgement;
}

/** Stable codes, surfaced as GraphQL `extensions.code`. */
export type DomainErrorCode =
  | 'INVALID_STATE'
  | 'NOT_A_PARTY'
  | 'WRONG_PARTY'
  | 'NOT_A_RECIPIENT'
  | 'ALREADY_ACKNOWLEDGED'
  | 'EVENT_NOT_FOUND'
  | 'NOT_ANNULLABLE'
  | 'ALREADY_ANNULLED'
  | 'CARE_PLAN_NOT_FOUND'
  | 'INVALID_INPUT'
  | 'TIME_ORDER'
  | 'CONCURRENT_MODIFICATION';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  /** The input field at fault, when one is. */
  field?: string;
  /** The values the message names, for a client that words its own message. */
  params?: Readonly<Record<string, string | number>>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };
