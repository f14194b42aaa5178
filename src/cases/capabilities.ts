import { COMMAND_WRITES, mayWrite } from '../authz/command-writes.js';
import type { Role } from '../authz/roles.js';
import {
  CASE_COMMANDS,
  CASE_GUARDS,
  type CaseCommandName,
  MESSAGE_COMMANDS,
  MESSAGE_GUARDS,
  type MessageCommandName,
} from '../domain/case/guards.js';
import type { Actor, CaseState, EventSummary } from '../domain/case/model.js';

/**
 * What a viewer may do on a case now: a command is allowed when the policy grants the
 * caller what it writes (src/authz/command-writes.ts) and the command's own guard
 * (src/domain/case/guards.ts) lets this actor run it on the case as it stands. These are
 * the checks the mutations refuse with, asked without running anything; what remains is
 * the command's input, which the client controls.
 */
export function caseCapabilities(
  state: CaseState,
  actor: Actor,
  roles: readonly Role[],
): Record<CaseCommandName, boolean> {
  return Object.fromEntries(
    CASE_COMMANDS.map((name) => [
      name,
      mayWrite(roles, COMMAND_WRITES[name]) && CASE_GUARDS[name](state, actor) === undefined,
    ]),
  ) as Record<CaseCommandName, boolean>;
}

/** The same for the commands on one message of the case (kvittens, makulering). */
export function messageCapabilities(
  state: CaseState,
  actor: Actor,
  roles: readonly Role[],
  eventId: string,
): Record<MessageCommandName, boolean> {
  const event: EventSummary | undefined = state.events.find((e) => e.id === eventId);
  return Object.fromEntries(
    MESSAGE_COMMANDS.map((name) => [
      name,
      event !== undefined &&
        mayWrite(roles, COMMAND_WRITES[name]) &&
        MESSAGE_GUARDS[name](state, actor, event) === undefined,
    ]),
  ) as Record<MessageCommandName, boolean>;
}
