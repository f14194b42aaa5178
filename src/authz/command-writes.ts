import type { CaseCommandName, MessageCommandName } from '../domain/case/guards.js';
import { grantsFor } from './decide.js';
import type { FieldCategory } from './field-categories.js';
import type { Role } from './roles.js';

/**
 * What each workflow command writes: the category the policy must grant the caller (as
 * `create` or `change`) and the activity its access-log row records. The mutations refuse
 * with FORBIDDEN by this table, and `viewerCan` answers from it, so both agree.
 */
export interface CommandWrites {
  category: FieldCategory;
  activity: 'CREATE' | 'CHANGE';
}

export type WorkflowCommandName = CaseCommandName | MessageCommandName | 'sendAdmissionNotice';

const CHANGES_PLANNING: CommandWrites = { category: 'PLANNING', activity: 'CHANGE' };

export const COMMAND_WRITES: Readonly<Record<WorkflowCommandName, CommandWrites>> = {
  sendAdmissionNotice: { category: 'IDENTITY', activity: 'CREATE' },
  acknowledge: CHANGES_PLANNING,
  sendPlanningBasis: { category: 'MEDICAL', activity: 'CREATE' },
  appointFixedCareContact: CHANGES_PLANNING,
  notifyReadyForDischarge: CHANGES_PLANNING,
  withdrawReadyForDischarge: CHANGES_PLANNING,
  callToSip: CHANGES_PLANNING,
  createCarePlan: { category: 'PLANNING', activity: 'CREATE' },
  reviseCarePlan: CHANGES_PLANNING,
  // Publishing decides what the patient reads on 1177: a change to the plan's planning
  // information, granted to whoever may revise the plan.
  publishCarePlanToPatient: CHANGES_PLANNING,
  withdrawCarePlanFromPatient: CHANGES_PLANNING,
  announceDischarge: CHANGES_PLANNING,
  discharge: { category: 'MEDICAL', activity: 'CREATE' },
  annulMessage: CHANGES_PLANNING,
  transferResponsibility: { category: 'ADMINISTRATIVE', activity: 'CHANGE' },
  addNote: { category: 'PLANNING', activity: 'CREATE' },
  recordConsent: { category: 'ADMINISTRATIVE', activity: 'CHANGE' },
  closeCase: { category: 'ADMINISTRATIVE', activity: 'CHANGE' },
};

/** Whether any of the roles is granted what the command writes. */
export function mayWrite(roles: readonly Role[], writes: CommandWrites): boolean {
  const action = writes.activity === 'CREATE' ? 'create' : 'change';
  return grantsFor(roles, writes.category, action).length > 0;
}
