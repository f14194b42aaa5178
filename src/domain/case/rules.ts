/**
 * Who may act and when: the guards every command runs before it decides anything.
 * Each returns the refusal or `undefined`, so a command can chain them with `??` and
 * stop at the first one that applies.
 */
import type { Actor, CaseState, CaseStatus, DomainError, PartyRole } from './model.js';
import { hasCurrentRole, isCurrentParty } from './queries.js';
import { refusal } from './result.js';

export const OPEN_STATUSES: readonly CaseStatus[] = [
  'PLANNING',
  'READY_FOR_DISCHARGE',
  'DISCHARGE_ANNOUNCED',
  'DISCHARGED',
];

export const BEFORE_DISCHARGE: readonly CaseStatus[] = [
  'PLANNING',
  'READY_FOR_DISCHARGE',
  'DISCHARGE_ANNOUNCED',
];

/** Roles of the region (slutenvård and öppenvård) as opposed to the municipality. */
export const REGION_ROLES: readonly PartyRole[] = ['WARD', 'PRIMARY_CARE'];
export const MUNICIPAL_ROLES: readonly PartyRole[] = [
  'MUNICIPAL_SOCIAL_SERVICES',
  'MUNICIPAL_HEALTH_CARE',
];

export function requireCurrentParty(state: CaseState, actor: Actor): DomainError | undefined {
  return isCurrentParty(state, actor.unitId)
    ? undefined
    : refusal('NOT_A_PARTY', `unit ${actor.unitId} is not a current party of case ${state.id}`);
}

/** Slutenvården (the ward) owns the steps of the inpatient stay. */
export function requireWard(
  state: CaseState,
  actor: Actor,
  command: string,
): DomainError | undefined {
  return hasCurrentRole(state, actor.unitId, 'WARD')
    ? undefined
    : refusal('WRONG_PARTY', `only the ward (slutenvården) may ${command}`);
}

export function requireStatus(
  state: CaseState,
  command: string,
  allowed: readonly CaseStatus[],
): DomainError | undefined {
  return allowed.includes(state.status)
    ? undefined
    : refusal(
        'INVALID_STATE',
        `${command} is not allowed while the case is ${state.status} (allowed: ${allowed.join(', ')})`,
        undefined,
        { command, status: state.status, allowed: allowed.join(', ') },
      );
}

export function requireOpen(state: CaseState, command: string): DomainError | undefined {
  return requireStatus(state, command, OPEN_STATUSES);
}
