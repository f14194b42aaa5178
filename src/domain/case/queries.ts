/** Questions a command (or a caller) asks of a case without changing it. */
import type { CaseEventType, CaseState, EventSummary, Party, PartyRole } from './model.js';

export function currentParties(state: CaseState): Party[] {
  return state.parties.filter((party) => party.leftAt === null);
}

export function isCurrentParty(state: CaseState, unitId: string): boolean {
  return currentParties(state).some((party) => party.unitId === unitId);
}

export function hasCurrentRole(state: CaseState, unitId: string, role: PartyRole): boolean {
  return currentParties(state).some((party) => party.unitId === unitId && party.role === role);
}

/** Former parties count: a plan item stays valid after its unit handed over responsibility. */
export function wasEverParty(state: CaseState, unitId: string): boolean {
  return state.parties.some((party) => party.unitId === unitId);
}

/** Every role a unit has had in the case, current or former. */
export function rolesOf(state: CaseState, unitId: string): PartyRole[] {
  return state.parties.filter((party) => party.unitId === unitId).map((party) => party.role);
}

/** Every current party's unit except the given one, each once: the usual recipients. */
export function otherCurrentUnitIds(state: CaseState, exceptUnitId: string): string[] {
  return unique(
    currentParties(state)
      .map((party) => party.unitId)
      .filter((unitId) => unitId !== exceptUnitId),
  );
}

/** The latest event of a type that has not been annulled (makulerad), if any. */
export function latestInForce(
  events: readonly EventSummary[],
  type: CaseEventType,
): EventSummary | undefined {
  return events
    .filter((event) => event.type === type && !event.annulled)
    .reduce<EventSummary | undefined>(
      (latest, event) =>
        latest === undefined || event.sequence > latest.sequence ? event : latest,
      undefined,
    );
}

/**
 * The unit's inbox: events sent to it that it has not yet acknowledged (kvittens).
 * Annulled events are left out: a void message needs no receipt, its annulment does.
 */
export function eventsWithPendingAcknowledgement(state: CaseState, unitId: string): EventSummary[] {
  return state.events.filter(
    (event) =>
      !event.annulled &&
      event.recipientUnitIds.includes(unitId) &&
      !event.acknowledgedByUnitIds.includes(unitId),
  );
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
