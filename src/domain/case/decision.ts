/**
 * How a command turns its verdict into a Decision: the new event, and the case as it
 * stands afterwards with the version bumped by one and the event in its list.
 */
import type {
  Actor,
  CaseEventType,
  CaseState,
  Decision,
  EventSummary,
  NewCaseEvent,
} from './model.js';
import type { CaseEventPayloads } from './payloads.js';

/** What a command changes in the case; id and version are not the command's to set. */
export type CasePatch = Partial<Omit<CaseState, 'id' | 'version'>>;

export type DecisionExtras = Pick<Decision, 'carePlanVersion' | 'note' | 'acknowledgement'>;

export function newEvent<T extends CaseEventType>(
  type: T,
  actor: Actor,
  now: Date,
  recipientUnitIds: string[],
  payload: CaseEventPayloads[T],
): NewCaseEvent {
  return { type, occurredAt: now, author: actor, recipientUnitIds, payload };
}

/**
 * The event is also summarised into `next.events` so the next command can be decided
 * on `next` alone. Its id is a placeholder, `pending:<sequence>`: persistence stores the
 * event, gets its real id and replaces the placeholder when it reloads the case.
 */
export function decide(
  state: CaseState,
  event: NewCaseEvent,
  patch: CasePatch = {},
  extras: DecisionExtras = {},
): Decision {
  const earlier = patch.events ?? state.events;
  const sequence = earlier.reduce((last, e) => Math.max(last, e.sequence), 0) + 1;
  const summary: EventSummary = {
    id: `pending:${sequence}`,
    sequence,
    type: event.type,
    authorUnitId: event.author.unitId,
    occurredAt: event.occurredAt,
    recipientUnitIds: [...event.recipientUnitIds],
    acknowledgedByUnitIds: [],
    annulled: false,
  };
  return {
    events: [event],
    next: { ...state, ...patch, version: state.version + 1, events: [...earlier, summary] },
    ...extras,
  };
}
