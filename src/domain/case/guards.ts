/**
 * Who may run a command on a case now, and when: the part of each command's checks that
 * does not depend on its input. Each command in ./commands.ts runs its guard first, and
 * `viewerCan` (src/cases/capabilities.ts) asks the same guards, so what a client is told
 * it may do and what the command then refuses cannot differ.
 */
import { CARE_PLAN_TRANSITIONS } from './care-plan.js';
import type { Actor, CarePlanSummary, CaseState, DomainError, EventSummary } from './model.js';
import { currentParties, hasCurrentRole } from './queries.js';
import { refusal } from './result.js';
import {
  BEFORE_DISCHARGE,
  requireCurrentParty,
  requireOpen,
  requireStatus,
  requireWard,
} from './rules.js';

/** The commands on an open case whose guard needs only the case and the actor. */
export const CASE_COMMANDS = [
  'sendPlanningBasis',
  'appointFixedCareContact',
  'notifyReadyForDischarge',
  'withdrawReadyForDischarge',
  'callToSip',
  'createCarePlan',
  'reviseCarePlan',
  'publishCarePlanToPatient',
  'withdrawCarePlanFromPatient',
  'announceDischarge',
  'discharge',
  'transferResponsibility',
  'addNote',
  'recordConsent',
  'closeCase',
] as const;
export type CaseCommandName = (typeof CASE_COMMANDS)[number];

/** The commands on one message (event) of a case. */
export const MESSAGE_COMMANDS = ['acknowledge', 'annulMessage'] as const;
export type MessageCommandName = (typeof MESSAGE_COMMANDS)[number];

/** Messages that can be annulled (makuleras); the rest of the event list is final. */
export const ANNULLABLE_EVENT_TYPES: readonly EventSummary['type'][] = [
  'PLANNING_BASIS_SENT',
  'SIP_CALLED',
  'NOTE_ADDED',
  'FIXED_CARE_CONTACT_APPOINTED',
];

export type CaseGuard = (state: CaseState, actor: Actor) => DomainError | undefined;
export type MessageGuard = (
  state: CaseState,
  actor: Actor,
  event: EventSummary,
) => DomainError | undefined;

/** A current party of a case that is not closed. */
export const partyInOpenCase =
  (command: string): CaseGuard =>
  (state, actor) =>
    requireCurrentParty(state, actor) ?? requireOpen(state, command);

/**
 * Primary care (öppenvården) appoints the fixed care contact. A patient not listed in
 * primary care has no such party, and then the ward appoints one so the case is not
 * left without.
 */
function requireAppointer(state: CaseState, actor: Actor): DomainError | undefined {
  if (hasCurrentRole(state, actor.unitId, 'PRIMARY_CARE')) return undefined;
  const hasPrimaryCare = currentParties(state).some((party) => party.role === 'PRIMARY_CARE');
  if (!hasPrimaryCare && hasCurrentRole(state, actor.unitId, 'WARD')) return undefined;
  return refusal(
    'WRONG_PARTY',
    hasPrimaryCare
      ? 'only primary care (öppenvården) may appoint the fixed care contact'
      : 'only the ward may appoint the fixed care contact when the case has no primary-care party',
  );
}

/** A plan can be revised while its status has somewhere to go; a closed plan is final. */
export function carePlanGuard(plan: CarePlanSummary): DomainError | undefined {
  return CARE_PLAN_TRANSITIONS[plan.status].length > 0
    ? undefined
    : refusal('INVALID_STATE', `care plan ${plan.id} is CLOSED and cannot be revised`);
}

export const CASE_GUARDS: Readonly<Record<CaseCommandName, CaseGuard>> = {
  sendPlanningBasis: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'sendPlanningBasis') ??
    requireStatus(state, 'sendPlanningBasis', ['PLANNING', 'READY_FOR_DISCHARGE']),
  appointFixedCareContact: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireAppointer(state, actor) ??
    requireStatus(state, 'appointFixedCareContact', BEFORE_DISCHARGE),
  notifyReadyForDischarge: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'notifyReadyForDischarge') ??
    requireStatus(state, 'notifyReadyForDischarge', ['PLANNING']) ??
    (state.admissionNoticeAt === null
      ? refusal('INVALID_STATE', 'notifyReadyForDischarge requires the admission notice to be sent')
      : undefined),
  withdrawReadyForDischarge: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'withdrawReadyForDischarge') ??
    requireStatus(state, 'withdrawReadyForDischarge', [
      'READY_FOR_DISCHARGE',
      'DISCHARGE_ANNOUNCED',
    ]),
  callToSip: (state, actor) =>
    requireCurrentParty(state, actor) ??
    (state.fixedCareContact?.unitId === actor.unitId || hasCurrentRole(state, actor.unitId, 'WARD')
      ? undefined
      : refusal('WRONG_PARTY', "only the fixed care contact's unit or the ward may call to SIP")) ??
    requireStatus(state, 'callToSip', BEFORE_DISCHARGE),
  createCarePlan: partyInOpenCase('createCarePlan'),
  /** Which plan is the input's; the case-level guard asks that at least one can be revised. */
  reviseCarePlan: (state, actor) =>
    partyInOpenCase('reviseCarePlan')(state, actor) ??
    (state.carePlans.length === 0
      ? refusal('CARE_PLAN_NOT_FOUND', `case ${state.id} has no care plan`)
      : state.carePlans.some((plan) => carePlanGuard(plan) === undefined)
        ? undefined
        : refusal('INVALID_STATE', `every care plan of case ${state.id} is CLOSED`)),
  /**
   * Any current party, also after the case is closed: the patient reads the plan after
   * discharge, when the case is usually closed, and publishing changes nothing the
   * invoices rest on. Which plan and version is the input's.
   */
  publishCarePlanToPatient: (state, actor) =>
    requireCurrentParty(state, actor) ??
    (state.carePlans.length === 0
      ? refusal('CARE_PLAN_NOT_FOUND', `case ${state.id} has no care plan`)
      : undefined),
  /** Any current party, open case or closed, while a plan of the case is published. */
  withdrawCarePlanFromPatient: (state, actor) =>
    requireCurrentParty(state, actor) ??
    (state.carePlans.some((plan) => plan.publishedVersion !== null)
      ? undefined
      : refusal('INVALID_STATE', `no care plan of case ${state.id} is published to the patient`)),
  announceDischarge: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'announceDischarge') ??
    requireStatus(state, 'announceDischarge', ['READY_FOR_DISCHARGE', 'DISCHARGE_ANNOUNCED']),
  discharge: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'discharge') ??
    requireStatus(state, 'discharge', BEFORE_DISCHARGE),
  /** Any current party may hand over its own role; the ward may hand over any (see the command). */
  transferResponsibility: partyInOpenCase('transferResponsibility'),
  addNote: partyInOpenCase('addNote'),
  recordConsent: partyInOpenCase('recordConsent'),
  closeCase: (state, actor) =>
    requireCurrentParty(state, actor) ??
    requireWard(state, actor, 'closeCase') ??
    requireOpen(state, 'closeCase'),
};

export const MESSAGE_GUARDS: Readonly<Record<MessageCommandName, MessageGuard>> = {
  /** Kvittens: a unit the message was sent to, once. */
  acknowledge: (state, actor, target) =>
    partyInOpenCase('acknowledge')(state, actor) ??
    (target.recipientUnitIds.includes(actor.unitId)
      ? undefined
      : refusal(
          'NOT_A_RECIPIENT',
          `event ${target.id} was not sent to unit ${actor.unitId}`,
          'eventId',
        )) ??
    (target.acknowledgedByUnitIds.includes(actor.unitId)
      ? refusal(
          'ALREADY_ACKNOWLEDGED',
          `unit ${actor.unitId} has already acknowledged event ${target.id}`,
          'eventId',
        )
      : undefined),
  /** Makulering: the sending unit, once, of the kinds of message that can be void. */
  annulMessage: (state, actor, target) =>
    partyInOpenCase('annulMessage')(state, actor) ??
    (ANNULLABLE_EVENT_TYPES.includes(target.type)
      ? undefined
      : refusal('NOT_ANNULLABLE', `${target.type} events cannot be annulled`, 'eventId', {
          type: target.type,
        })) ??
    (target.authorUnitId === actor.unitId
      ? undefined
      : refusal('WRONG_PARTY', 'only the unit that sent a message may annul it')) ??
    (target.annulled
      ? refusal('ALREADY_ANNULLED', `event ${target.id} is already annulled`, 'eventId')
      : undefined),
};
