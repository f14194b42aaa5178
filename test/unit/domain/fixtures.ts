/**
 * Builders for case-command tests: units and actors of a small region and municipality,
 * valid inputs, and cases walked to each status through the commands themselves, so a
 * fixture can never hold a state the commands could not produce.
 */
import { expect } from 'vitest';
import type { CarePlanContentInput } from '../../../src/domain/case/care-plan.js';
import {
  announceDischarge,
  closeCase,
  discharge,
  notifyReadyForDischarge,
  type SendAdmissionNoticeInput,
  sendAdmissionNotice,
} from '../../../src/domain/case/commands.js';
import type { DischargeInformation } from '../../../src/domain/case/discharge-information.js';
import type {
  Actor,
  CaseState,
  Decision,
  DomainErrorCode,
  Result,
} from '../../../src/domain/case/model.js';
import type { PlanningBasis } from '../../../src/domain/case/planning-basis.js';

export const UNIT = {
  ward: '10000000-0000-4000-8000-000000000001',
  otherWard: '10000000-0000-4000-8000-000000000002',
  primaryCare: '20000000-0000-4000-8000-000000000001',
  otherPrimaryCare: '20000000-0000-4000-8000-000000000002',
  socialServices: '30000000-0000-4000-8000-000000000001',
  healthCare: '40000000-0000-4000-8000-000000000001',
  outsider: '90000000-0000-4000-8000-000000000001',
} as const;

export const CASE_ID = 'c0000000-0000-4000-8000-000000000001';

function actorAt(unitId: string, name: string, hsaSuffix: string): Actor {
  return { hsaId: `SE2321000016-${hsaSuffix}`, name, unitId, organizationId: `org-of-${unitId}` };
}

export const ACTOR = {
  ward: actorAt(UNIT.ward, 'Vera Avdelning', 'W001'),
  otherWard: actorAt(UNIT.otherWard, 'Otto Avdelning', 'W002'),
  primaryCare: actorAt(UNIT.primaryCare, 'Paula Primär', 'P001'),
  otherPrimaryCare: actorAt(UNIT.otherPrimaryCare, 'Per Primär', 'P002'),
  socialServices: actorAt(UNIT.socialServices, 'Sara Socialtjänst', 'S001'),
  healthCare: actorAt(UNIT.healthCare, 'Hugo Hemsjukvård', 'H001'),
  outsider: actorAt(UNIT.outsider, 'Olle Utomstående', 'X001'),
} as const;

/** Admission: Monday 2 March 2026, 09:00 in Stockholm. */
export const ADMITTED_AT = new Date('2026-03-02T08:00:00Z');

/** Hours after admission, as a UTC instant. */
export function hoursAfterAdmission(hours: number): Date {
  return new Date(ADMITTED_AT.getTime() + hours * 3_600_000);
}

export function admissionInput(
  overrides: Partial<SendAdmissionNoticeInput> = {},
): SendAdmissionNoticeInput {
  return {
    caseId: CASE_ID,
    admittedAt: ADMITTED_AT,
    psychiatric: false,
    compulsoryCare: 'NONE',
    wardUnitId: UNIT.ward,
    municipalityParties: [
      { unitId: UNIT.socialServices, role: 'MUNICIPAL_SOCIAL_SERVICES' },
      { unitId: UNIT.healthCare, role: 'MUNICIPAL_HEALTH_CARE' },
    ],
    primaryCareUnitId: UNIT.primaryCare,
    expectedNeeds: 'Hemtjänst morgon och kväll',
    ...overrides,
  };
}

export function planningBasisInput(overrides: Partial<PlanningBasis> = {}): PlanningBasis {
  return {
    diagnosisSummary: 'Höftfraktur, opererad',
    functionalStatus: 'Går med rollator, orienterad',
    adl: {
      bathing: 'DEPENDENT',
      dressing: 'PARTLY_DEPENDENT',
      toileting: 'PARTLY_DEPENDENT',
      transferring: 'PARTLY_DEPENDENT',
      continence: 'INDEPENDENT',
      feeding: 'INDEPENDENT',
    },
    livingSituation: 'Bor ensam i lägenhet med hiss',
    expectedNeeds: 'Hemtjänst, hemsjukvård för såromläggning',
    assistiveAids: ['Rollator'],
    estimatedReadyOn: '2026-03-06',
    ...overrides,
  };
}

export function carePlanContent(
  overrides: Partial<CarePlanContentInput> = {},
): CarePlanContentInput {
  return {
    summary: 'Hemgång med stöd',
    items: [
      {
        responsibleUnitId: UNIT.socialServices,
        action: 'Hemtjänst 2 ggr/dag',
        dueOn: '2026-03-09',
      },
      { responsibleUnitId: UNIT.primaryCare, action: 'Återbesök läkare', dueOn: null },
    ],
    participants: [
      { name: 'Patienten', role: 'patient', unitId: null },
      { name: 'Sara Socialtjänst', role: 'biståndshandläggare', unitId: UNIT.socialServices },
    ],
    followUpOn: '2026-04-01',
    status: 'DRAFT',
    ...overrides,
  };
}

export function dischargeInformation(
  overrides: Partial<DischargeInformation> = {},
): DischargeInformation {
  return {
    destination: 'HOME',
    destinationDetail: null,
    medicationChanges: [
      { medication: 'Alvedon 500 mg', change: 'STARTED', details: '2 tabletter vid behov' },
    ],
    followUpContacts: [
      {
        unitName: 'Vårdcentralen Centrum',
        contactName: 'Distriktssköterska Eva',
        phone: '08-123 456',
        when: 'Inom två veckor',
      },
    ],
    homeCareStartsOn: '2026-03-09',
    assistiveAids: ['Rollator'],
    warningSigns: 'Feber, ökad smärta eller rodnad kring såret',
    summary: 'Opererad för höftfraktur. Läker väl.',
    ...overrides,
  };
}

/** The decision of a command that must succeed. */
export function expectDecision(result: Result<Decision>): Decision {
  if (!result.ok)
    throw new Error(`expected a decision, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function expectRefusal(result: Result<unknown>, code: DomainErrorCode): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  return result.error.message;
}

/**
 * Runs a command on a frozen state and checks the state is unchanged afterwards: a
 * command that mutated its input would throw here or fail the comparison.
 */
export function decideOn(
  state: CaseState,
  command: (state: CaseState) => Result<Decision>,
): Result<Decision> {
  const before = structuredClone(state);
  const result = command(deepFreeze(state));
  expect(state).toEqual(before);
  return result;
}

/** The invariants every successful decision keeps; returns the decision for more checks. */
export function expectValidDecision(state: CaseState, result: Result<Decision>): Decision {
  const decision = expectDecision(result);
  expect(decision.events.length).toBeGreaterThanOrEqual(1);
  expect(decision.next.version).toBe(state.version + 1);
  expect(decision.next.id).toBe(state.id);
  const lastSequence = state.events.at(-1)?.sequence ?? 0;
  const appended = decision.next.events.slice(state.events.length);
  expect(appended.map((event) => [event.id, event.sequence, event.type])).toEqual(
    decision.events.map((event, i) => [
      `pending:${lastSequence + i + 1}`,
      lastSequence + i + 1,
      event.type,
    ]),
  );
  return decision;
}

/** What persistence does after writing a decision: real ids replace the placeholders. */
export function stored(decision: Decision): CaseState {
  return {
    ...decision.next,
    events: decision.next.events.map((event) =>
      event.id.startsWith('pending:') ? { ...event, id: `event-${event.sequence}` } : event,
    ),
  };
}

export function openCase(overrides: Partial<SendAdmissionNoticeInput> = {}): CaseState {
  const now = hoursAfterAdmission(2);
  return stored(expectDecision(sendAdmissionNotice(ACTOR.ward, admissionInput(overrides), now)));
}

/** Ready for discharge since 3 March 10:00 Stockholm time (notified at that moment). */
export const READY_AT = hoursAfterAdmission(25);

export function readyCase(overrides: Partial<SendAdmissionNoticeInput> = {}): CaseState {
  return stored(
    expectDecision(
      notifyReadyForDischarge(openCase(overrides), ACTOR.ward, { readyAt: READY_AT }, READY_AT),
    ),
  );
}

export const PLANNED_AT = hoursAfterAdmission(72);

export function announcedCase(): CaseState {
  return stored(
    expectDecision(
      announceDischarge(
        readyCase(),
        ACTOR.ward,
        { plannedAt: PLANNED_AT },
        hoursAfterAdmission(26),
      ),
    ),
  );
}

export function dischargedCase(): CaseState {
  return stored(
    expectDecision(
      discharge(
        announcedCase(),
        ACTOR.ward,
        { dischargedAt: PLANNED_AT, information: dischargeInformation() },
        PLANNED_AT,
      ),
    ),
  );
}

export function closedCase(): CaseState {
  return stored(
    expectDecision(
      closeCase(dischargedCase(), ACTOR.ward, { reason: 'DISCHARGED' }, hoursAfterAdmission(96)),
    ),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}
