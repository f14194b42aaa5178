/**
 * Which deadlines a case has, which are done, and which unit owes each open one. Pure:
 * the caller hands in the case's dates and current parties and the deadline versions
 * (rules.ts); the inbox (src/inbox) and the `deadlines` of a case in GraphQL both ask
 * this, so "what my unit owes" and "what the case shows" are one answer.
 */
import type { CaseStatus, PartyRole } from '../case/model.js';
import {
  acknowledgementDue,
  admissionNoticeDue,
  type DeadlineRules,
  type DeadlineStep,
  dischargeInformationDue,
  fixedCareContactDue,
  isLate,
  planningBasisDue,
  rulesFor,
  sipCallDue,
} from './rules.js';

export interface CaseDeadlineFacts {
  status: CaseStatus;
  /** The region of the ward (its care provider): whose routine applies. */
  regionId: string | null;
  admittedAt: Date;
  admissionNoticeAt: Date | null;
  planningBasisAt: Date | null;
  readyForDischargeAt: Date | null;
  readyWithdrawnAt: Date | null;
  sipCalledAt: Date | null;
  plannedDischargeAt: Date | null;
  dischargedAt: Date | null;
  /** When the fixed care contact was (last) appointed; null: none yet. */
  fixedCareContactAppointedAt: Date | null;
  fixedCareContactUnitId: string | null;
  /** Current parties only. */
  parties: readonly { unitId: string; role: PartyRole }[];
}

export interface CaseDeadline {
  step: DeadlineStep;
  /** When the step's clock started: the admission, the notice, the ready notice … */
  since: Date;
  /** Null while the step has no due time yet (a fixed care contact before a discharge date). */
  dueAt: Date | null;
  doneAt: Date | null;
  /** Done after its due time, or not done and past it. */
  late: boolean;
  /** The units that owe the step now; empty once done or when the case has moved past it. */
  owedBy: string[];
  /** The version of the deadline numbers that set `dueAt`; null for rules of the law alone. */
  rulesId: string | null;
}

const OPEN: readonly CaseStatus[] = ['PLANNING', 'READY_FOR_DISCHARGE', 'DISCHARGE_ANNOUNCED'];

/** The deadlines of a case, in the order of the process. */
export function caseDeadlines(
  facts: CaseDeadlineFacts,
  versions: readonly DeadlineRules[],
  now: Date,
): CaseDeadline[] {
  const open = OPEN.includes(facts.status);
  const unitsOf = (role: PartyRole) =>
    facts.parties.filter((p) => p.role === role).map((p) => p.unitId);
  const wards = unitsOf('WARD');
  const primaryCare = unitsOf('PRIMARY_CARE');
  const municipal = [...unitsOf('MUNICIPAL_SOCIAL_SERVICES'), ...unitsOf('MUNICIPAL_HEALTH_CARE')];
  const deadlines: CaseDeadline[] = [];
  const add = (
    step: DeadlineStep,
    since: Date,
    dueAt: Date | null,
    doneAt: Date | null,
    owers: string[],
    rulesId: string | null,
  ) =>
    deadlines.push({
      step,
      since,
      dueAt,
      doneAt,
      late: isLate(dueAt, doneAt, now),
      owedBy: open && doneAt === null ? owers : [],
      rulesId,
    });

  const admission = rulesFor(versions, facts.regionId, facts.admittedAt);
  add(
    'ADMISSION_NOTICE',
    facts.admittedAt,
    admission ? admissionNoticeDue(admission, facts.admittedAt) : null,
    facts.admissionNoticeAt,
    wards,
    admission?.id ?? null,
  );

  if (facts.admissionNoticeAt !== null) {
    const rules = rulesFor(versions, facts.regionId, facts.admissionNoticeAt);
    add(
      'PLANNING_BASIS',
      facts.admissionNoticeAt,
      rules ? planningBasisDue(rules, facts.admissionNoticeAt) : null,
      facts.planningBasisAt,
      wards,
      rules?.id ?? null,
    );
  }

  // Named before discharge (fast vårdkontakt): by primary care, or the ward when the patient
  // has no primary-care party (the same rule as the command's guard).
  const dischargeAt = facts.plannedDischargeAt ?? facts.dischargedAt;
  add(
    'FIXED_CARE_CONTACT',
    facts.admissionNoticeAt ?? facts.admittedAt,
    dischargeAt ? fixedCareContactDue(dischargeAt) : null,
    facts.fixedCareContactAppointedAt,
    primaryCare.length > 0 ? primaryCare : wards,
    null,
  );

  // Called within 3 days of the ready notice when the municipality must act too; a
  // withdrawn ready status stops the clock until the next notice.
  const ready =
    facts.readyForDischargeAt !== null &&
    (facts.readyWithdrawnAt === null ||
      facts.readyWithdrawnAt.getTime() < facts.readyForDischargeAt.getTime());
  if (ready && facts.readyForDischargeAt !== null && municipal.length > 0) {
    const rules = rulesFor(versions, facts.regionId, facts.readyForDischargeAt);
    const caller =
      facts.fixedCareContactUnitId !== null
        ? [facts.fixedCareContactUnitId]
        : primaryCare.length > 0
          ? primaryCare
          : wards;
    add(
      'SIP_CALL',
      facts.readyForDischargeAt,
      rules ? sipCallDue(rules, facts.readyForDischargeAt) : null,
      facts.sipCalledAt,
      caller,
      rules?.id ?? null,
    );
  }

  if (dischargeAt !== null) {
    add(
      'DISCHARGE_INFORMATION',
      facts.readyForDischargeAt ?? facts.admittedAt,
      dischargeInformationDue(dischargeAt),
      facts.dischargedAt,
      wards,
      null,
    );
  }
  return deadlines;
}

/** A message's acknowledgement (kvittens) by one recipient unit. */
export function acknowledgementDeadline(
  versions: readonly DeadlineRules[],
  regionId: string | null,
  sentAt: Date,
  acknowledgedAt: Date | null,
  now: Date,
): Pick<CaseDeadline, 'since' | 'dueAt' | 'doneAt' | 'late' | 'rulesId'> {
  const rules = rulesFor(versions, regionId, sentAt);
  const dueAt = rules ? acknowledgementDue(rules, sentAt) : null;
  return {
    since: sentAt,
    dueAt,
    doneAt: acknowledgedAt,
    late: isLate(dueAt, acknowledgedAt, now),
    rulesId: rules?.id ?? null,
  };
}
