/**
 * Care plans (vårdplan, förenklad vårdplan, SIP): what a version may contain, how a
 * plan's status may move, and the LPT/LRV rule for patients going to compulsory
 * outpatient care.
 */
import type {
  CarePlanItemInput,
  CarePlanParticipantInput,
  CarePlanStatus,
  CaseState,
  DomainError,
  Result,
} from './model.js';
import { rolesOf, wasEverParty } from './queries.js';
import { fail, ok, refusal } from './result.js';
import { MUNICIPAL_ROLES, REGION_ROLES } from './rules.js';
import {
  checkIsoDate,
  checkListLength,
  checkText,
  firstRefusal,
  LONG_TEXT,
  SHORT_TEXT,
  TEXT,
} from './validation.js';

/** The content of one version, as the author writes it. */
export interface CarePlanContentInput {
  summary: string;
  items: CarePlanItemInput[];
  participants: CarePlanParticipantInput[];
  /** When the parties meet again to follow the plan up (ISO date). */
  followUpOn: string | null;
  status: CarePlanStatus;
}

/** A plan is drafted, agreed, followed up and closed; a closed plan is final. */
export const CARE_PLAN_TRANSITIONS: Readonly<Record<CarePlanStatus, readonly CarePlanStatus[]>> = {
  DRAFT: ['DRAFT', 'AGREED'],
  AGREED: ['AGREED', 'FOLLOWED_UP', 'CLOSED'],
  FOLLOWED_UP: ['FOLLOWED_UP', 'CLOSED'],
  CLOSED: [],
};

/**
 * Versions the parties have agreed, so the patient may read them on 1177: a draft is
 * still being written, and the patient's own plan (SIP) is what was agreed with them.
 */
export const PUBLISHABLE_STATUSES: readonly CarePlanStatus[] = ['AGREED', 'FOLLOWED_UP', 'CLOSED'];

/** Statuses in which the plan binds the parties, so the LPT/LRV rule must hold. */
const IN_FORCE: readonly CarePlanStatus[] = ['AGREED', 'FOLLOWED_UP'];

export function checkCarePlanTransition(
  carePlanId: string,
  from: CarePlanStatus,
  to: CarePlanStatus,
): DomainError | undefined {
  if (CARE_PLAN_TRANSITIONS[from].includes(to)) return undefined;
  return refusal(
    'INVALID_STATE',
    from === 'CLOSED'
      ? `care plan ${carePlanId} is CLOSED and cannot be revised`
      : `care plan ${carePlanId} cannot go from ${from} to ${to}`,
    'status',
    { from, to },
  );
}

/** Checks a version against the case and returns it trimmed. */
export function parseCarePlanContent(
  state: CaseState,
  input: CarePlanContentInput,
): Result<CarePlanContentInput> {
  const refused =
    checkText(input.summary, 'summary', LONG_TEXT) ??
    checkListLength(input.items, 'items', 0) ??
    firstRefusal(input.items, (item, i) => checkItem(state, item, i)) ??
    checkListLength(input.participants, 'participants', 0) ??
    firstRefusal(input.participants, (participant, i) => checkParticipant(state, participant, i)) ??
    checkIsoDate(input.followUpOn, 'followUpOn') ??
    checkCompulsoryCareCoordination(state, input);
  if (refused) return fail(refused);
  return ok({
    summary: input.summary.trim(),
    items: input.items.map((item) => ({
      responsibleUnitId: item.responsibleUnitId,
      action: item.action.trim(),
      dueOn: item.dueOn,
    })),
    participants: input.participants.map((participant) => ({
      name: participant.name.trim(),
      role: participant.role.trim(),
      unitId: participant.unitId,
    })),
    followUpOn: input.followUpOn,
    status: input.status,
  });
}

function checkItem(state: CaseState, item: CarePlanItemInput, i: number): DomainError | undefined {
  return (
    (wasEverParty(state, item.responsibleUnitId)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `items[${i}].responsibleUnitId ${item.responsibleUnitId} is not a party of the case`,
          `items[${i}].responsibleUnitId`,
          { unitId: item.responsibleUnitId },
        )) ??
    checkText(item.action, `items[${i}].action`, TEXT) ??
    checkIsoDate(item.dueOn, `items[${i}].dueOn`)
  );
}

/**
 * Participants without a unit are the patient, relatives or others outside the case; a
 * participant named with a unit must belong to a unit that is or was a party.
 */
function checkParticipant(
  state: CaseState,
  participant: CarePlanParticipantInput,
  i: number,
): DomainError | undefined {
  return (
    checkText(participant.name, `participants[${i}].name`, SHORT_TEXT) ??
    checkText(participant.role, `participants[${i}].role`, SHORT_TEXT) ??
    (participant.unitId === null || wasEverParty(state, participant.unitId)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `participants[${i}].unitId ${participant.unitId} is not a party of the case`,
          `participants[${i}].unitId`,
          { unitId: participant.unitId },
        ))
  );
}

/**
 * LPT/LRV: discharge to compulsory outpatient care (ÖPT, ÖRV) needs a coordinated care
 * plan (samordnad vårdplan) that names who in the region and who in the municipality
 * is responsible, so a plan in force must have an item for each side.
 */
function checkCompulsoryCareCoordination(
  state: CaseState,
  input: CarePlanContentInput,
): DomainError | undefined {
  if (state.compulsoryCare === 'NONE' || !IN_FORCE.includes(input.status)) return undefined;
  const roles = input.items.flatMap((item) => rolesOf(state, item.responsibleUnitId));
  const hasRegion = roles.some((role) => REGION_ROLES.includes(role));
  const hasMunicipality = roles.some((role) => MUNICIPAL_ROLES.includes(role));
  if (hasRegion && hasMunicipality) return undefined;
  return refusal(
    'INVALID_INPUT',
    `compulsory care (${state.compulsoryCare}) needs a coordinated care plan naming a responsible unit of both the region and the municipality`,
    'items',
    { compulsoryCare: state.compulsoryCare },
  );
}
