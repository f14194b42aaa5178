/**
 * The workflow commands of a case, one pure function each. A command checks who acts
 * (party and role), when (case status) and what (input), in that order, and returns the
 * first refusal or a Decision: exactly one new event and the case as it stands after it,
 * with `version` one higher. Commands never read the clock (`now` is given) and never
 * change the state they are given.
 */

import { daysBetween, stockholmDate } from '../calendar.js';
import { parseHsaId } from '../hsa-id.js';
import {
  type CarePlanContentInput,
  checkCarePlanTransition,
  PUBLISHABLE_STATUSES,
  parseCarePlanContent,
} from './care-plan.js';
import { type CasePatch, decide, newEvent } from './decision.js';
import { type DischargeInformation, parseDischargeInformation } from './discharge-information.js';
import { CASE_GUARDS, carePlanGuard, MESSAGE_GUARDS, partyInOpenCase } from './guards.js';
import type {
  Actor,
  CarePlanKind,
  CarePlanSummary,
  CaseState,
  CloseReason,
  CompulsoryCare,
  ConsentStatus,
  Decision,
  DomainError,
  EventSummary,
  Party,
  PartyRole,
  Result,
} from './model.js';
import { type PlanningBasis, parsePlanningBasis } from './planning-basis.js';
import {
  hasCurrentRole,
  isCurrentParty,
  latestInForce,
  otherCurrentUnitIds,
  unique,
} from './queries.js';
import { fail, ok, refusal } from './result.js';
import { MUNICIPAL_ROLES } from './rules.js';
import {
  checkInstant,
  checkListLength,
  checkNotBefore,
  checkNotInFuture,
  checkNotInPast,
  checkOptionalText,
  checkText,
  checkUuid,
  firstRefusal,
  LONG_TEXT,
  optionalText,
  SHORT_TEXT,
  TEXT,
} from './validation.js';

export { renderDischargeInformation } from './discharge-document.js';
export { eventsWithPendingAcknowledgement } from './queries.js';

/** Lag (2017:612): the admission notice is due within 24 hours of admission. */
const ADMISSION_NOTICE_DEADLINE_MS = 24 * 60 * 60_000;
/** Lag (2017:612): the fixed care contact calls to SIP within 3 days of the ready notice. */
const SIP_CALL_DEADLINE_DAYS = 3;

// ---------------------------------------------------------------------------------------
// Admission notice (inskrivningsmeddelande)

export interface MunicipalityPartyInput {
  unitId: string;
  role: Extract<PartyRole, 'MUNICIPAL_SOCIAL_SERVICES' | 'MUNICIPAL_HEALTH_CARE'>;
}

export interface SendAdmissionNoticeInput {
  /** Chosen by the caller so a retried request opens the same case, not a second one. */
  caseId: string;
  admittedAt: Date;
  psychiatric: boolean;
  compulsoryCare: CompulsoryCare;
  wardUnitId: string;
  municipalityParties: MunicipalityPartyInput[];
  primaryCareUnitId: string | null;
  expectedNeeds?: string | null;
}

/** Opens the case: the ward tells the municipality and primary care the patient is in. */
export function sendAdmissionNotice(
  actor: Actor,
  input: SendAdmissionNoticeInput,
  now: Date,
): Result<Decision> {
  const refused =
    (input.wardUnitId === actor.unitId
      ? undefined
      : refusal('WRONG_PARTY', 'the admission notice is sent by the ward the actor acts for')) ??
    checkUuid(input.caseId, 'caseId') ??
    checkInstant(input.admittedAt, 'admittedAt') ??
    checkAdmissionParties(input) ??
    (input.compulsoryCare !== 'NONE' && !input.psychiatric
      ? refusal(
          'INVALID_INPUT',
          'compulsory care (ÖPT/ÖRV) requires psychiatric inpatient care',
          'compulsoryCare',
        )
      : undefined) ??
    checkOptionalText(input.expectedNeeds, 'expectedNeeds', LONG_TEXT) ??
    checkNotInFuture(input.admittedAt, 'admittedAt', now);
  if (refused) return fail(refused);

  const joined = (unitId: string, role: PartyRole): Party => ({
    unitId,
    role,
    joinedAt: now,
    leftAt: null,
  });
  const parties: Party[] = [
    joined(actor.unitId, 'WARD'),
    ...input.municipalityParties.map((party) => joined(party.unitId, party.role)),
    ...(input.primaryCareUnitId === null ? [] : [joined(input.primaryCareUnitId, 'PRIMARY_CARE')]),
  ];
  // The case before its first event: deciding the notice on it gives version 1.
  const unopened: CaseState = {
    id: input.caseId,
    status: 'PLANNING',
    psychiatric: input.psychiatric,
    compulsoryCare: input.compulsoryCare,
    consent: 'NOT_ASKED',
    parties,
    fixedCareContact: null,
    admittedAt: input.admittedAt,
    admissionNoticeAt: now,
    planningBasisAt: null,
    readyForDischargeAt: null,
    readyWithdrawnAt: null,
    sipCalledAt: null,
    sipMeetingAt: null,
    plannedDischargeAt: null,
    dischargedAt: null,
    closedAt: null,
    closeReason: null,
    version: 0,
    events: [],
    carePlans: [],
  };
  const event = newEvent(
    'ADMISSION_NOTICE_SENT',
    actor,
    now,
    otherCurrentUnitIds(unopened, actor.unitId),
    {
      admittedAt: input.admittedAt.toISOString(),
      psychiatric: input.psychiatric,
      compulsoryCare: input.compulsoryCare,
      parties: parties.map(({ unitId, role }) => ({ unitId, role })),
      expectedNeeds: optionalText(input.expectedNeeds),
      // Late notices are still sent and recorded; agreements decide what lateness costs.
      sentWithin24h: now.getTime() - input.admittedAt.getTime() <= ADMISSION_NOTICE_DEADLINE_MS,
    },
  );
  return ok(decide(unopened, event));
}

function checkAdmissionParties(input: SendAdmissionNoticeInput): DomainError | undefined {
  const municipal = input.municipalityParties;
  const seen = new Set<string>();
  return (
    checkListLength(municipal, 'municipalityParties', 1) ??
    firstRefusal(municipal, (party, i) => {
      const key = `${party.unitId} ${party.role}`;
      if (!MUNICIPAL_ROLES.includes(party.role)) {
        return refusal(
          'INVALID_INPUT',
          `municipalityParties[${i}].role must be ${MUNICIPAL_ROLES.join(' or ')}`,
          `municipalityParties[${i}].role`,
          { allowed: MUNICIPAL_ROLES.join(', ') },
        );
      }
      if (party.unitId === input.wardUnitId || party.unitId === input.primaryCareUnitId) {
        return refusal(
          'INVALID_INPUT',
          `municipalityParties[${i}] is the ward or the primary-care unit`,
          `municipalityParties[${i}].unitId`,
        );
      }
      if (seen.has(key)) {
        return refusal(
          'INVALID_INPUT',
          `municipalityParties[${i}] names a unit and role twice`,
          `municipalityParties[${i}].unitId`,
        );
      }
      seen.add(key);
      return undefined;
    }) ??
    (input.primaryCareUnitId === input.wardUnitId
      ? refusal('INVALID_INPUT', 'primaryCareUnitId must not be the ward', 'primaryCareUnitId')
      : undefined)
  );
}

// ---------------------------------------------------------------------------------------
// Acknowledgement (kvittens)

export interface AcknowledgeInput {
  eventId: string;
}

/**
 * A receiving unit confirms it has received a message. The ACKNOWLEDGED event has no
 * recipients: the sender sees the receipt on its own message, and a receipt that
 * itself awaited a receipt would never end.
 */
export function acknowledge(
  state: CaseState,
  actor: Actor,
  input: AcknowledgeInput,
  now: Date,
): Result<Decision> {
  const refused = partyInOpenCase('acknowledge')(state, actor);
  if (refused) return fail(refused);
  const found = findEvent(state, input.eventId);
  if (!found.ok) return found;
  const target = found.value;
  const notForActor = MESSAGE_GUARDS.acknowledge(state, actor, target);
  if (notForActor) return fail(notForActor);
  const events = state.events.map((event) =>
    event.id === target.id
      ? { ...event, acknowledgedByUnitIds: [...event.acknowledgedByUnitIds, actor.unitId] }
      : event,
  );
  return ok(
    decide(
      state,
      newEvent('ACKNOWLEDGED', actor, now, [], { eventId: target.id }),
      { events },
      { acknowledgement: { eventId: target.id, unitId: actor.unitId } },
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Planning basis (planeringsunderlag)

export type SendPlanningBasisInput = PlanningBasis;

export function sendPlanningBasis(
  state: CaseState,
  actor: Actor,
  input: SendPlanningBasisInput,
  now: Date,
): Result<Decision> {
  const refused = CASE_GUARDS.sendPlanningBasis(state, actor);
  if (refused) return fail(refused);
  const basis = parsePlanningBasis(input);
  if (!basis.ok) return basis;
  const event = newEvent(
    'PLANNING_BASIS_SENT',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    basis.value,
  );
  return ok(decide(state, event, { planningBasisAt: now }));
}

// ---------------------------------------------------------------------------------------
// Fixed care contact (fast vårdkontakt)

export interface AppointFixedCareContactInput {
  name: string;
  /** The person's employee HSA-ID, when they have one. */
  hsaId: string | null;
  unitId: string;
}

/**
 * Primary care (öppenvården) appoints the fixed care contact. A patient not listed in
 * primary care has no such party, and then the ward appoints one so the case is not
 * left without.
 */
export function appointFixedCareContact(
  state: CaseState,
  actor: Actor,
  input: AppointFixedCareContactInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.appointFixedCareContact(state, actor) ??
    checkText(input.name, 'name', SHORT_TEXT) ??
    (isCurrentParty(state, input.unitId)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `unitId ${input.unitId} is not a current party of the case`,
          'unitId',
          { unitId: input.unitId },
        ));
  if (refused) return fail(refused);
  let hsaId: string | null = null;
  if (input.hsaId !== null) {
    const parsed = parseHsaId(input.hsaId);
    if (!parsed.ok) return fail({ ...parsed.error, field: 'hsaId' });
    hsaId = parsed.value;
  }
  const contact = { name: input.name.trim(), hsaId, unitId: input.unitId };
  const event = newEvent(
    'FIXED_CARE_CONTACT_APPOINTED',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    contact,
  );
  return ok(decide(state, event, { fixedCareContact: contact }));
}

// ---------------------------------------------------------------------------------------
// Ready for discharge (utskrivningsklar) and its withdrawal (avbrott)

export interface NotifyReadyForDischargeInput {
  /** When the physician judged the patient ready; payment days count from it. */
  readyAt: Date;
}

export function notifyReadyForDischarge(
  state: CaseState,
  actor: Actor,
  input: NotifyReadyForDischargeInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.notifyReadyForDischarge(state, actor) ??
    checkInstant(input.readyAt, 'readyAt') ??
    checkNotInFuture(input.readyAt, 'readyAt', now) ??
    checkNotBefore(input.readyAt, 'readyAt', state.admittedAt, 'admittedAt');
  if (refused) return fail(refused);
  const event = newEvent(
    'READY_FOR_DISCHARGE_NOTIFIED',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { readyAt: input.readyAt.toISOString() },
  );
  return ok(
    decide(state, event, {
      status: 'READY_FOR_DISCHARGE',
      readyForDischargeAt: input.readyAt,
      readyWithdrawnAt: null,
    }),
  );
}

export interface WithdrawReadyForDischargeInput {
  reason: string;
}

/**
 * The patient is no longer ready (e.g. worse again). The earlier ready time stays on
 * the case for payment-responsibility history; a new notice replaces it.
 */
export function withdrawReadyForDischarge(
  state: CaseState,
  actor: Actor,
  input: WithdrawReadyForDischargeInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.withdrawReadyForDischarge(state, actor) ?? checkText(input.reason, 'reason', TEXT);
  if (refused) return fail(refused);
  const event = newEvent(
    'READY_FOR_DISCHARGE_WITHDRAWN',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { reason: input.reason.trim(), readyAt: state.readyForDischargeAt?.toISOString() ?? null },
  );
  return ok(
    decide(state, event, { status: 'PLANNING', readyWithdrawnAt: now, plannedDischargeAt: null }),
  );
}

// ---------------------------------------------------------------------------------------
// Call to coordinated individual planning (kallelse till SIP)

export interface CallToSipInput {
  meetingAt: Date;
  participantUnitIds: string[];
  message: string;
}

export function callToSip(
  state: CaseState,
  actor: Actor,
  input: CallToSipInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.callToSip(state, actor) ??
    checkInstant(input.meetingAt, 'meetingAt') ??
    checkListLength(input.participantUnitIds, 'participantUnitIds', 1) ??
    firstRefusal(input.participantUnitIds, (unitId, i) =>
      isCurrentParty(state, unitId)
        ? undefined
        : refusal(
            'INVALID_INPUT',
            `participantUnitIds[${i}] ${unitId} is not a current party`,
            `participantUnitIds[${i}]`,
            { unitId },
          ),
    ) ??
    checkText(input.message, 'message', TEXT) ??
    checkNotInPast(input.meetingAt, 'meetingAt', now);
  if (refused) return fail(refused);
  const participantUnitIds = unique(input.participantUnitIds);
  const event = newEvent(
    'SIP_CALLED',
    actor,
    now,
    participantUnitIds.filter((unitId) => unitId !== actor.unitId),
    {
      meetingAt: input.meetingAt.toISOString(),
      participantUnitIds,
      message: input.message.trim(),
      withinThreeDaysOfReady: calledWithinThreeDaysOfReady(state, now),
    },
  );
  return ok(decide(state, event, { sipCalledAt: now, sipMeetingAt: input.meetingAt }));
}

/**
 * Counted in Stockholm calendar days from the ready notice as received (the event), not
 * from the physician's judgement. Null when no ready notice stands: the deadline only
 * runs while the patient is ready.
 */
function calledWithinThreeDaysOfReady(state: CaseState, now: Date): boolean | null {
  if (state.status !== 'READY_FOR_DISCHARGE' && state.status !== 'DISCHARGE_ANNOUNCED') {
    return null;
  }
  const noticeAt =
    latestInForce(state.events, 'READY_FOR_DISCHARGE_NOTIFIED')?.occurredAt ??
    state.readyForDischargeAt;
  if (noticeAt === null) return null;
  return daysBetween(stockholmDate(noticeAt), stockholmDate(now)) <= SIP_CALL_DEADLINE_DAYS;
}

// ---------------------------------------------------------------------------------------
// Care plans (vårdplan, förenklad vårdplan, SIP)

export interface CreateCarePlanInput extends CarePlanContentInput {
  /** Chosen by the caller so a retried request does not create a second plan. */
  carePlanId: string;
  kind: CarePlanKind;
}

export function createCarePlan(
  state: CaseState,
  actor: Actor,
  input: CreateCarePlanInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.createCarePlan(state, actor) ??
    checkUuid(input.carePlanId, 'carePlanId') ??
    (state.carePlans.some((plan) => plan.id === input.carePlanId)
      ? refusal('INVALID_INPUT', `care plan ${input.carePlanId} already exists`, 'carePlanId')
      : undefined) ??
    (input.status === 'DRAFT' || input.status === 'AGREED'
      ? undefined
      : refusal('INVALID_INPUT', 'a new care plan is DRAFT or AGREED', 'status'));
  if (refused) return fail(refused);
  const content = parseCarePlanContent(state, input);
  if (!content.ok) return content;
  const { status } = content.value;
  const event = newEvent(
    'CARE_PLAN_CREATED',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { carePlanId: input.carePlanId, kind: input.kind, version: 1, status },
  );
  return ok(
    decide(
      state,
      event,
      {
        carePlans: [
          ...state.carePlans,
          {
            id: input.carePlanId,
            kind: input.kind,
            latestVersion: 1,
            status,
            versionStatuses: { 1: status },
            publishedVersion: null,
          },
        ],
      },
      {
        carePlanVersion: {
          carePlanId: input.carePlanId,
          createdPlanKind: input.kind,
          version: 1,
          ...content.value,
        },
      },
    ),
  );
}

export interface ReviseCarePlanInput extends CarePlanContentInput {
  carePlanId: string;
  /** The version the author edited; a newer one means someone revised the plan meanwhile. */
  expectedVersion: number;
}

export function reviseCarePlan(
  state: CaseState,
  actor: Actor,
  input: ReviseCarePlanInput,
  now: Date,
): Result<Decision> {
  const refused = partyInOpenCase('reviseCarePlan')(state, actor);
  if (refused) return fail(refused);
  const plan = state.carePlans.find((candidate) => candidate.id === input.carePlanId);
  if (!plan) {
    return fail(
      refusal(
        'CARE_PLAN_NOT_FOUND',
        `care plan ${input.carePlanId} is not in case ${state.id}`,
        'carePlanId',
      ),
    );
  }
  const final = carePlanGuard(plan);
  if (final) return fail(final);
  const stale =
    input.expectedVersion === plan.latestVersion
      ? undefined
      : refusal(
          'CONCURRENT_MODIFICATION',
          `care plan ${plan.id} is at version ${plan.latestVersion}, not ${input.expectedVersion}: reload it and revise the latest version`,
          'expectedPlanVersion',
        );
  const conflict = stale ?? checkCarePlanTransition(plan.id, plan.status, input.status);
  if (conflict) return fail(conflict);
  const content = parseCarePlanContent(state, input);
  if (!content.ok) return content;
  const version = plan.latestVersion + 1;
  const { status } = content.value;
  const event = newEvent(
    'CARE_PLAN_REVISED',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { carePlanId: plan.id, version, status, previousStatus: plan.status },
  );
  return ok(
    decide(
      state,
      event,
      {
        carePlans: carePlansWith(state, plan.id, {
          latestVersion: version,
          status,
          versionStatuses: { ...plan.versionStatuses, [version]: status },
        }),
      },
      {
        carePlanVersion: { carePlanId: plan.id, createdPlanKind: null, version, ...content.value },
      },
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Publication to the patient (1177, through the national GetCarePlans contract)

export interface PublishCarePlanToPatientInput {
  carePlanId: string;
  /** The version the parties agreed the patient may read. */
  version: number;
}

/**
 * The parties mark an agreed version as the patient's to read on 1177. One version per
 * plan is published at a time: publishing another replaces it, so the patient reads the
 * plan as the parties last agreed it, not a draft written since.
 */
export function publishCarePlanToPatient(
  state: CaseState,
  actor: Actor,
  input: PublishCarePlanToPatientInput,
  now: Date,
): Result<Decision> {
  const refused = CASE_GUARDS.publishCarePlanToPatient(state, actor);
  if (refused) return fail(refused);
  const found = findCarePlan(state, input.carePlanId);
  if (!found.ok) return found;
  const plan = found.value;
  const status = plan.versionStatuses[input.version];
  const wrong =
    status === undefined
      ? refusal(
          'INVALID_INPUT',
          `care plan ${plan.id} has no version ${input.version}`,
          'version',
          { version: input.version, latestVersion: plan.latestVersion },
        )
      : !PUBLISHABLE_STATUSES.includes(status)
        ? refusal(
            'INVALID_STATE',
            `version ${input.version} of care plan ${plan.id} is ${status}: only an agreed version (${PUBLISHABLE_STATUSES.join(', ')}) is published to the patient`,
            'version',
            { version: input.version, status },
          )
        : plan.publishedVersion === input.version
          ? refusal(
              'INVALID_STATE',
              `version ${input.version} of care plan ${plan.id} is already published to the patient`,
              'version',
              { version: input.version },
            )
          : undefined;
  if (wrong) return fail(wrong);
  const event = newEvent(
    'CARE_PLAN_PUBLISHED_TO_PATIENT',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { carePlanId: plan.id, version: input.version, replacedVersion: plan.publishedVersion },
  );
  return ok(
    decide(state, event, {
      carePlans: carePlansWith(state, plan.id, { publishedVersion: input.version }),
    }),
  );
}

export interface WithdrawCarePlanFromPatientInput {
  carePlanId: string;
  reason: string;
}

/** Stops publication: from now on the national platform's requests get nothing of the plan. */
export function withdrawCarePlanFromPatient(
  state: CaseState,
  actor: Actor,
  input: WithdrawCarePlanFromPatientInput,
  now: Date,
): Result<Decision> {
  const refused = CASE_GUARDS.withdrawCarePlanFromPatient(state, actor);
  if (refused) return fail(refused);
  const found = findCarePlan(state, input.carePlanId);
  if (!found.ok) return found;
  const plan = found.value;
  const published = plan.publishedVersion;
  if (published === null) {
    return fail(
      refusal(
        'INVALID_STATE',
        `care plan ${plan.id} is not published to the patient`,
        'carePlanId',
      ),
    );
  }
  const badReason = checkText(input.reason, 'reason', TEXT);
  if (badReason) return fail(badReason);
  const event = newEvent(
    'CARE_PLAN_PUBLICATION_WITHDRAWN',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    { carePlanId: plan.id, version: published, reason: input.reason.trim() },
  );
  return ok(
    decide(state, event, {
      carePlans: carePlansWith(state, plan.id, { publishedVersion: null }),
    }),
  );
}

/** The case's care plans with one of them changed. */
function carePlansWith(
  state: CaseState,
  carePlanId: string,
  change: Partial<CarePlanSummary>,
): CarePlanSummary[] {
  return state.carePlans.map((candidate) =>
    candidate.id === carePlanId ? { ...candidate, ...change } : candidate,
  );
}

function findCarePlan(state: CaseState, carePlanId: string): Result<CarePlanSummary> {
  const plan = state.carePlans.find((candidate) => candidate.id === carePlanId);
  return plan
    ? ok(plan)
    : fail(
        refusal(
          'CARE_PLAN_NOT_FOUND',
          `care plan ${carePlanId} is not in case ${state.id}`,
          'carePlanId',
        ),
      );
}

// ---------------------------------------------------------------------------------------
// Discharge notice (utskrivningsmeddelande) and discharge (information vid utskrivning)

export interface AnnounceDischargeInput {
  plannedAt: Date;
}

/** Announces, or moves, the planned day of discharge. */
export function announceDischarge(
  state: CaseState,
  actor: Actor,
  input: AnnounceDischargeInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.announceDischarge(state, actor) ??
    checkInstant(input.plannedAt, 'plannedAt') ??
    // The notice is due no later than the day of discharge, so the day may be today.
    (stockholmDate(input.plannedAt) < stockholmDate(now)
      ? refusal('TIME_ORDER', 'plannedAt must not be before today', 'plannedAt')
      : undefined);
  if (refused) return fail(refused);
  const event = newEvent(
    'DISCHARGE_ANNOUNCED',
    actor,
    now,
    otherCurrentUnitIds(state, actor.unitId),
    {
      plannedAt: input.plannedAt.toISOString(),
      previousPlannedAt: state.plannedDischargeAt?.toISOString() ?? null,
    },
  );
  return ok(
    decide(state, event, { status: 'DISCHARGE_ANNOUNCED', plannedDischargeAt: input.plannedAt }),
  );
}

export interface DischargeInput {
  dischargedAt: Date;
  information: DischargeInformation;
}

/**
 * Discharges the patient with the information at discharge. Allowed from PLANNING too:
 * patients leave against advice, or are discharged the same day before any ready
 * notice. Refusing would force the ward to invent a ready time, which would create
 * payment responsibility that never existed; instead the payload records that no ready
 * notice stood (`readyNoticeInForce: false`) and the event list stays complete.
 */
export function discharge(
  state: CaseState,
  actor: Actor,
  input: DischargeInput,
  now: Date,
): Result<Decision> {
  const readyNoticeInForce = state.status !== 'PLANNING';
  const refused =
    CASE_GUARDS.discharge(state, actor) ?? checkInstant(input.dischargedAt, 'dischargedAt');
  if (refused) return fail(refused);
  const information = parseDischargeInformation(input.information);
  if (!information.ok) return information;
  const outOfOrder =
    checkNotInFuture(input.dischargedAt, 'dischargedAt', now) ??
    checkNotBefore(input.dischargedAt, 'dischargedAt', state.admittedAt, 'admittedAt') ??
    (readyNoticeInForce && state.readyForDischargeAt !== null
      ? checkNotBefore(
          input.dischargedAt,
          'dischargedAt',
          state.readyForDischargeAt,
          'readyForDischargeAt',
        )
      : undefined);
  if (outOfOrder) return fail(outOfOrder);
  const event = newEvent('DISCHARGED', actor, now, otherCurrentUnitIds(state, actor.unitId), {
    dischargedAt: input.dischargedAt.toISOString(),
    fromStatus: state.status,
    readyNoticeInForce,
    information: information.value,
  });
  return ok(decide(state, event, { status: 'DISCHARGED', dischargedAt: input.dischargedAt }));
}

// ---------------------------------------------------------------------------------------
// Annulment (makulering)

export { ANNULLABLE_EVENT_TYPES } from './guards.js';

export interface AnnulMessageInput {
  eventId: string;
  reason: string;
}

/**
 * Marks a message as void. The message stays in the event list (it is append-only);
 * the MESSAGE_ANNULLED event goes to everyone who received it. Not on a closed case:
 * its event list is the settled basis for invoices.
 */
export function annulMessage(
  state: CaseState,
  actor: Actor,
  input: AnnulMessageInput,
  now: Date,
): Result<Decision> {
  const refused = partyInOpenCase('annulMessage')(state, actor);
  if (refused) return fail(refused);
  const found = findEvent(state, input.eventId);
  if (!found.ok) return found;
  const target = found.value;
  const notAnnullable =
    MESSAGE_GUARDS.annulMessage(state, actor, target) ?? checkText(input.reason, 'reason', TEXT);
  if (notAnnullable) return fail(notAnnullable);
  const events = state.events.map((event) =>
    event.id === target.id ? { ...event, annulled: true } : event,
  );
  const event = newEvent(
    'MESSAGE_ANNULLED',
    actor,
    now,
    target.recipientUnitIds.filter(
      (unitId) => unitId !== actor.unitId && isCurrentParty(state, unitId),
    ),
    { eventId: target.id, annulledType: target.type, reason: input.reason.trim() },
  );
  return ok(decide(state, event, { events, ...annulmentEffects(state, target, events) }));
}

/**
 * What the case loses when a message is annulled. Only the message in force counts: a
 * SIP call or appointment that a later one already replaced changes nothing. A later
 * SIP call replaces the earlier meeting, so annulling it leaves no meeting; planning
 * bases add to each other, so an earlier one still stands.
 */
function annulmentEffects(
  state: CaseState,
  target: EventSummary,
  eventsAfter: EventSummary[],
): CasePatch {
  const inForce = latestInForce(state.events, target.type)?.id === target.id;
  switch (target.type) {
    case 'PLANNING_BASIS_SENT':
      return {
        planningBasisAt: latestInForce(eventsAfter, 'PLANNING_BASIS_SENT')?.occurredAt ?? null,
      };
    case 'SIP_CALLED':
      return inForce ? { sipCalledAt: null, sipMeetingAt: null } : {};
    case 'FIXED_CARE_CONTACT_APPOINTED':
      return inForce ? { fixedCareContact: null } : {};
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------
// Transfer of responsibility (ansvarsöverflyttning)

export interface TransferResponsibilityInput {
  fromUnitId: string;
  toUnitId: string;
  role: PartyRole;
}

/**
 * Another unit takes over a role, e.g. a new outpatient unit for a patient in ÖPT. The
 * leaving unit keeps its party row with `leftAt`; everyone still in the case and the
 * leaving unit are told.
 */
export function transferResponsibility(
  state: CaseState,
  actor: Actor,
  input: TransferResponsibilityInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.transferResponsibility(state, actor) ??
    (actor.unitId === input.fromUnitId || hasCurrentRole(state, actor.unitId, 'WARD')
      ? undefined
      : refusal(
          'WRONG_PARTY',
          'only the unit handing over or the ward may transfer responsibility',
        )) ??
    (hasCurrentRole(state, input.fromUnitId, input.role)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `unit ${input.fromUnitId} is not a current ${input.role} party of the case`,
          'fromUnitId',
          { unitId: input.fromUnitId, role: input.role },
        )) ??
    (input.toUnitId === input.fromUnitId
      ? refusal('INVALID_INPUT', 'toUnitId must differ from fromUnitId', 'toUnitId')
      : undefined) ??
    (hasCurrentRole(state, input.toUnitId, input.role)
      ? refusal(
          'INVALID_INPUT',
          `unit ${input.toUnitId} already is a ${input.role} party`,
          'toUnitId',
          { unitId: input.toUnitId, role: input.role },
        )
      : undefined);
  if (refused) return fail(refused);
  const parties: Party[] = [
    ...state.parties.map((party) =>
      party.unitId === input.fromUnitId && party.role === input.role && party.leftAt === null
        ? { ...party, leftAt: now }
        : party,
    ),
    { unitId: input.toUnitId, role: input.role, joinedAt: now, leftAt: null },
  ];
  const after: CaseState = { ...state, parties };
  const fixedCareContactCleared =
    state.fixedCareContact?.unitId === input.fromUnitId && !isCurrentParty(after, input.fromUnitId);
  const event = newEvent(
    'RESPONSIBILITY_TRANSFERRED',
    actor,
    now,
    unique([...otherCurrentUnitIds(after, actor.unitId), input.fromUnitId]).filter(
      (unitId) => unitId !== actor.unitId,
    ),
    {
      fromUnitId: input.fromUnitId,
      toUnitId: input.toUnitId,
      role: input.role,
      fixedCareContactCleared,
    },
  );
  return ok(
    decide(state, event, {
      parties,
      ...(fixedCareContactCleared ? { fixedCareContact: null } : {}),
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Notes (tilläggsanteckning, chat) and consent (samtycke)

export interface AddNoteInput {
  /** Chosen by the caller so a retried request does not add the note twice. */
  noteId: string;
  text: string;
  /** Only the author's organisation may read it (låsa, PDL). */
  lockedToOrganization: boolean;
}

/** The text goes to the note row only: the event says a note exists, never what it says. */
export function addNote(
  state: CaseState,
  actor: Actor,
  input: AddNoteInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.addNote(state, actor) ??
    checkUuid(input.noteId, 'noteId') ??
    checkText(input.text, 'text', LONG_TEXT);
  if (refused) return fail(refused);
  const event = newEvent('NOTE_ADDED', actor, now, otherCurrentUnitIds(state, actor.unitId), {
    noteId: input.noteId,
    locked: input.lockedToOrganization,
  });
  return ok(
    decide(
      state,
      event,
      {},
      {
        note: {
          id: input.noteId,
          text: input.text.trim(),
          lockedToOrganization: input.lockedToOrganization,
        },
      },
    ),
  );
}

export interface RecordConsentInput {
  consent: Exclude<ConsentStatus, 'NOT_ASKED'>;
  note?: string | null;
  /** The patient declined (true) or again accepts (false) support after discharge. */
  supportDeclined?: boolean | null;
}

const RECORDABLE_CONSENT: readonly ConsentStatus[] = ['GIVEN', 'DECLINED', 'CANNOT_BE_OBTAINED'];

/** The patient's consent to sharing between region and municipality, as last asked. */
export function recordConsent(
  state: CaseState,
  actor: Actor,
  input: RecordConsentInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.recordConsent(state, actor) ??
    (RECORDABLE_CONSENT.includes(input.consent)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `consent must be one of ${RECORDABLE_CONSENT.join(', ')}`,
          'consent',
          {
            allowed: RECORDABLE_CONSENT.join(', '),
          },
        )) ??
    checkOptionalText(input.note, 'note', TEXT);
  if (refused) return fail(refused);
  const event = newEvent('CONSENT_RECORDED', actor, now, otherCurrentUnitIds(state, actor.unitId), {
    consent: input.consent,
    previous: state.consent,
    note: optionalText(input.note),
    ...(input.supportDeclined == null ? {} : { supportDeclined: input.supportDeclined }),
  });
  return ok(decide(state, event, { consent: input.consent }));
}

// ---------------------------------------------------------------------------------------
// Closing the case (avsluta ärendet)

export interface CloseCaseInput {
  reason: CloseReason;
}

const CLOSE_REASONS: readonly CloseReason[] = [
  'DISCHARGED',
  'NO_SUPPORT_NEEDED',
  'DECEASED',
  'TRANSFERRED_TO_OTHER_CARE',
];

/**
 * DISCHARGED is the ordinary ending and needs the discharge first; the other reasons
 * (no support needed, deceased, moved to other care) end a case wherever it stands.
 */
export function closeCase(
  state: CaseState,
  actor: Actor,
  input: CloseCaseInput,
  now: Date,
): Result<Decision> {
  const refused =
    CASE_GUARDS.closeCase(state, actor) ??
    (CLOSE_REASONS.includes(input.reason)
      ? undefined
      : refusal('INVALID_INPUT', `reason must be one of ${CLOSE_REASONS.join(', ')}`, 'reason', {
          allowed: CLOSE_REASONS.join(', '),
        })) ??
    (input.reason === 'DISCHARGED' && state.status !== 'DISCHARGED'
      ? refusal(
          'INVALID_STATE',
          `closeCase with reason DISCHARGED needs a discharged case, not ${state.status}`,
          'reason',
          { status: state.status },
        )
      : undefined);
  if (refused) return fail(refused);
  const event = newEvent('CASE_CLOSED', actor, now, otherCurrentUnitIds(state, actor.unitId), {
    reason: input.reason,
    fromStatus: state.status,
  });
  return ok(decide(state, event, { status: 'CLOSED', closedAt: now, closeReason: input.reason }));
}

// ---------------------------------------------------------------------------------------

function findEvent(state: CaseState, eventId: string): Result<EventSummary> {
  const event = state.events.find((candidate) => candidate.id === eventId);
  return event
    ? ok(event)
    : fail(refusal('EVENT_NOT_FOUND', `event ${eventId} is not in case ${state.id}`, 'eventId'));
}
