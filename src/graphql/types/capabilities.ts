import { caseCapabilities, messageCapabilities } from '../../cases/capabilities.js';
import type { CaseCommandName, MessageCommandName } from '../../domain/case/guards.js';
import { builder } from '../builder.js';
import { caseStateOf } from '../case-state-loader.js';
import { guard, guardNeverWithheld } from '../field-guard.js';
import { Case } from './case.js';

/**
 * `viewerCan`: which commands the viewer may run now, so a front end shows exactly the
 * actions that will not be refused for who the viewer is or where the case stands. The
 * answers come from the commands' own guards and the policy (src/cases/capabilities.ts);
 * a command allowed here can still be refused for its input (INVALID_INPUT, TIME_ORDER)
 * or because the case changed meanwhile (CONCURRENT_MODIFICATION).
 */

const CASE_COMMAND_DESCRIPTIONS: Record<CaseCommandName, string> = {
  sendPlanningBasis:
    'sendPlanningBasis: the ward, while the case is PLANNING or READY_FOR_DISCHARGE.',
  appointFixedCareContact:
    'appointFixedCareContact: primary care (or the ward when the case has no primary-care party), before discharge.',
  notifyReadyForDischarge: 'notifyReadyForDischarge: the ward, while the case is PLANNING.',
  withdrawReadyForDischarge:
    'withdrawReadyForDischarge: the ward, while the case is READY_FOR_DISCHARGE or DISCHARGE_ANNOUNCED.',
  callToSip: 'callToSip: the fixed care contact’s unit or the ward, before discharge.',
  createCarePlan: 'createCarePlan: any current party of an open case.',
  reviseCarePlan:
    'reviseCarePlan: any current party of an open case that has a care plan that is not CLOSED (see CarePlan status).',
  publishCarePlanToPatient:
    'publishCarePlanToPatient: any current party of a case that has a care plan, open or closed (the version must be agreed).',
  withdrawCarePlanFromPatient:
    'withdrawCarePlanFromPatient: any current party of a case with a care plan published to the patient, open or closed.',
  announceDischarge:
    'announceDischarge: the ward, while the case is READY_FOR_DISCHARGE or DISCHARGE_ANNOUNCED.',
  discharge: 'discharge: the ward, before discharge.',
  transferResponsibility:
    'transferResponsibility: any current party of an open case for its own role; the ward for any role.',
  addNote: 'addNote: any current party of an open case.',
  recordConsent: 'recordConsent: any current party of an open case.',
  closeCase:
    'closeCase: the ward, while the case is open (reason DISCHARGED needs a discharged case).',
};

const MESSAGE_COMMAND_DESCRIPTIONS: Record<MessageCommandName, string> = {
  acknowledge: 'acknowledge: a unit the message was sent to, that has not acknowledged it yet.',
  annulMessage:
    'annulMessage: the unit that sent the message, when its type can be annulled and it is not annulled yet.',
};

export const CaseCapabilities = builder
  .objectRef<Record<CaseCommandName, boolean>>('CaseCapabilities')
  .implement({
    description:
      'The commands on this case the viewer may run now, one Boolean per mutation. True means neither the policy nor the state of the case refuses it; the input can still be refused.',
    fields: (t) =>
      Object.fromEntries(
        (Object.keys(CASE_COMMAND_DESCRIPTIONS) as CaseCommandName[]).map((name) => [
          name,
          t.boolean({
            description: CASE_COMMAND_DESCRIPTIONS[name],
            resolve: (can) => can[name],
          }),
        ]),
      ),
  });

export const MessageCapabilities = builder
  .objectRef<Record<MessageCommandName, boolean>>('MessageCapabilities')
  .implement({
    description:
      'The commands on this message (event) the viewer may run now, one Boolean per mutation.',
    fields: (t) =>
      Object.fromEntries(
        (Object.keys(MESSAGE_COMMAND_DESCRIPTIONS) as MessageCommandName[]).map((name) => [
          name,
          t.boolean({
            description: MESSAGE_COMMAND_DESCRIPTIONS[name],
            resolve: (can) => can[name],
          }),
        ]),
      ),
  });

const NOTHING_CASE = Object.fromEntries(
  Object.keys(CASE_COMMAND_DESCRIPTIONS).map((name) => [name, false]),
) as Record<CaseCommandName, boolean>;
const NOTHING_MESSAGE = Object.fromEntries(
  Object.keys(MESSAGE_COMMAND_DESCRIPTIONS).map((name) => [name, false]),
) as Record<MessageCommandName, boolean>;

builder.prismaObjectField(Case, 'viewerCan', (t) =>
  t.field({
    // Whether a command is allowed tells the case's status and parties: read as ADMINISTRATIVE.
    ...guardNeverWithheld({
      category: 'ADMINISTRATIVE',
      locate: (c: { id: string; patientId: string }) => ({ caseId: c.id, patientId: c.patientId }),
      seenOn: 'case',
    }),
    type: CaseCapabilities,
    description: 'Which commands the viewer may run on this case now.',
    resolve: async (c, _args, ctx) => {
      const state = await caseStateOf(ctx, c.id);
      if (!state || !ctx.actor || !ctx.principal) return NOTHING_CASE;
      return caseCapabilities(state, ctx.actor, ctx.principal.roles);
    },
  }),
);

builder.prismaObjectField('CaseEvent', 'viewerCan', (t) =>
  t.field({
    ...guard({
      category: 'PLANNING',
      locate: (e: { caseId: string }) => ({ caseId: e.caseId }),
    }),
    type: MessageCapabilities,
    description:
      'Which commands the viewer may run on this message now (kvittens, makulering). Null when the viewer may not read the event list.',
    resolve: async (e, _args, ctx) => {
      const state = await caseStateOf(ctx, e.caseId);
      if (!state || !ctx.actor || !ctx.principal) return NOTHING_MESSAGE;
      return messageCapabilities(state, ctx.actor, ctx.principal.roles, e.id);
    },
  }),
);
