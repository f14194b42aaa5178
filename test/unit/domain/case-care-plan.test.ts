import { describe, expect, it } from 'vitest';
import {
  type CreateCarePlanInput,
  createCarePlan,
  reviseCarePlan,
  transferResponsibility,
} from '../../../src/domain/case/commands.js';
import type { CarePlanStatus, CaseState } from '../../../src/domain/case/model.js';
import {
  ACTOR,
  carePlanContent,
  closedCase,
  decideOn,
  dischargedCase,
  expectDecision,
  expectRefusal,
  expectValidDecision,
  hoursAfterAdmission,
  openCase,
  stored,
  UNIT,
} from './fixtures.js';

const PLAN_ID = 'b0000000-0000-4000-8000-000000000001';
const now = hoursAfterAdmission(30);

function createInput(overrides: Partial<CreateCarePlanInput> = {}): CreateCarePlanInput {
  return { carePlanId: PLAN_ID, kind: 'SIP', ...carePlanContent(), ...overrides };
}

function withPlan(state: CaseState = openCase()): CaseState {
  return stored(expectDecision(createCarePlan(state, ACTOR.socialServices, createInput(), now)));
}

/** A case whose plan reached `status` through allowed revisions. */
function withPlanIn(status: CarePlanStatus): CaseState {
  const path: Record<CarePlanStatus, CarePlanStatus[]> = {
    DRAFT: [],
    AGREED: ['AGREED'],
    FOLLOWED_UP: ['AGREED', 'FOLLOWED_UP'],
    CLOSED: ['AGREED', 'CLOSED'],
  };
  return path[status].reduce(
    (state, next) =>
      stored(
        expectDecision(
          reviseCarePlan(
            state,
            ACTOR.primaryCare,
            {
              carePlanId: PLAN_ID,
              expectedVersion: state.carePlans[0]!.latestVersion,
              ...carePlanContent({ status: next }),
            },
            now,
          ),
        ),
      ),
    withPlan(),
  );
}

/** A psychiatric case going to compulsory outpatient care (ÖPT). */
function compulsoryCareCase(): CaseState {
  return openCase({ psychiatric: true, compulsoryCare: 'OPT' });
}

describe('createCarePlan (vårdplan / SIP)', () => {
  it('creates version 1 and tells the other parties', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        createCarePlan(s, ACTOR.socialServices, createInput({ summary: ' Hemgång ' }), now),
      ),
    );
    expect(decision.carePlanVersion).toEqual({
      carePlanId: PLAN_ID,
      createdPlanKind: 'SIP',
      version: 1,
      ...carePlanContent({ summary: 'Hemgång' }),
    });
    expect(decision.next.carePlans).toEqual([
      {
        id: PLAN_ID,
        kind: 'SIP',
        latestVersion: 1,
        status: 'DRAFT',
        versionStatuses: { 1: 'DRAFT' },
        publishedVersion: null,
      },
    ]);
    expect(decision.events[0]).toMatchObject({
      type: 'CARE_PLAN_CREATED',
      recipientUnitIds: [UNIT.ward, UNIT.healthCare, UNIT.primaryCare],
      payload: { carePlanId: PLAN_ID, kind: 'SIP', version: 1, status: 'DRAFT' },
    });
  });

  it('may create a plan that is agreed at once', () => {
    const decision = expectDecision(
      createCarePlan(openCase(), ACTOR.ward, createInput({ status: 'AGREED' }), now),
    );
    expect(decision.next.carePlans[0]?.status).toBe('AGREED');
  });

  it('may create a plan after discharge, for follow-up', () => {
    const state = dischargedCase();
    expectValidDecision(
      state,
      createCarePlan(state, ACTOR.primaryCare, createInput(), hoursAfterAdmission(80)),
    );
  });

  it('accepts a responsible unit that has since handed over responsibility', () => {
    const transferred = stored(
      expectDecision(
        transferResponsibility(
          openCase(),
          ACTOR.primaryCare,
          { fromUnitId: UNIT.primaryCare, toUnitId: UNIT.otherPrimaryCare, role: 'PRIMARY_CARE' },
          now,
        ),
      ),
    );
    expect(createCarePlan(transferred, ACTOR.socialServices, createInput(), now).ok).toBe(true);
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => createCarePlan(s, ACTOR.outsider, createInput(), now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(closedCase(), (s) => createCarePlan(s, ACTOR.ward, createInput(), now)),
      'INVALID_STATE',
    );
  });

  it.each([
    ['a plan created as FOLLOWED_UP', { status: 'FOLLOWED_UP' as const }],
    ['a plan id that is not a UUID', { carePlanId: 'plan-1' }],
    ['a blank summary', { summary: ' ' }],
    [
      'a responsible unit that is not a party',
      { items: [{ responsibleUnitId: UNIT.outsider, action: 'Något', dueOn: null }] },
    ],
    ['a blank action', { items: [{ responsibleUnitId: UNIT.ward, action: '', dueOn: null }] }],
    [
      'a due day that does not exist',
      { items: [{ responsibleUnitId: UNIT.ward, action: 'Något', dueOn: '2026-13-01' }] },
    ],
    [
      'a participant from a unit that is not a party',
      { participants: [{ name: 'Olle', role: 'läkare', unitId: UNIT.outsider }] },
    ],
    ['a follow-up day that is not a date', { followUpOn: 'next week' }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) => createCarePlan(s, ACTOR.ward, createInput(overrides), now)),
      'INVALID_INPUT',
    );
  });

  it('refuses a plan id already in the case (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(withPlan(), (s) => createCarePlan(s, ACTOR.ward, createInput(), now)),
      'INVALID_INPUT',
    );
  });

  describe('for compulsory outpatient care (LPT/LRV samordnad vårdplan)', () => {
    const regionOnly = [
      { responsibleUnitId: UNIT.primaryCare, action: 'Läkarkontakt', dueOn: null },
    ];

    it('refuses an agreed plan without a responsible municipal unit', () => {
      const message = expectRefusal(
        decideOn(compulsoryCareCase(), (s) =>
          createCarePlan(s, ACTOR.ward, createInput({ status: 'AGREED', items: regionOnly }), now),
        ),
        'INVALID_INPUT',
      );
      expect(message).toContain('municipality');
    });

    it('refuses an agreed plan without a responsible region unit', () => {
      const municipalOnly = [
        { responsibleUnitId: UNIT.socialServices, action: 'Boendestöd', dueOn: null },
      ];
      expectRefusal(
        createCarePlan(
          compulsoryCareCase(),
          ACTOR.ward,
          createInput({ status: 'AGREED', items: municipalOnly }),
          now,
        ),
        'INVALID_INPUT',
      );
    });

    it('accepts an agreed plan naming both', () => {
      expect(
        createCarePlan(compulsoryCareCase(), ACTOR.ward, createInput({ status: 'AGREED' }), now).ok,
      ).toBe(true);
    });

    it('accepts a draft naming only one side', () => {
      expect(
        createCarePlan(compulsoryCareCase(), ACTOR.ward, createInput({ items: regionOnly }), now)
          .ok,
      ).toBe(true);
    });
  });
});

describe('reviseCarePlan', () => {
  function revision(state: CaseState, status: CarePlanStatus, overrides = {}) {
    return {
      carePlanId: PLAN_ID,
      expectedVersion: state.carePlans[0]!.latestVersion,
      ...carePlanContent({ status }),
      ...overrides,
    };
  }

  it('adds version n+1 and updates the plan summary', () => {
    const state = withPlan();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => reviseCarePlan(s, ACTOR.ward, revision(s, 'AGREED'), now)),
    );
    expect(decision.carePlanVersion).toMatchObject({
      carePlanId: PLAN_ID,
      createdPlanKind: null,
      version: 2,
      status: 'AGREED',
    });
    expect(decision.next.carePlans).toEqual([
      {
        id: PLAN_ID,
        kind: 'SIP',
        latestVersion: 2,
        status: 'AGREED',
        versionStatuses: { 1: 'DRAFT', 2: 'AGREED' },
        publishedVersion: null,
      },
    ]);
    expect(decision.events[0]).toMatchObject({
      type: 'CARE_PLAN_REVISED',
      payload: { carePlanId: PLAN_ID, version: 2, status: 'AGREED', previousStatus: 'DRAFT' },
    });
  });

  const transitions: [CarePlanStatus, CarePlanStatus, boolean][] = [
    ['DRAFT', 'DRAFT', true],
    ['DRAFT', 'AGREED', true],
    ['DRAFT', 'FOLLOWED_UP', false],
    ['DRAFT', 'CLOSED', false],
    ['AGREED', 'DRAFT', false],
    ['AGREED', 'AGREED', true],
    ['AGREED', 'FOLLOWED_UP', true],
    ['AGREED', 'CLOSED', true],
    ['FOLLOWED_UP', 'DRAFT', false],
    ['FOLLOWED_UP', 'AGREED', false],
    ['FOLLOWED_UP', 'FOLLOWED_UP', true],
    ['FOLLOWED_UP', 'CLOSED', true],
    ['CLOSED', 'DRAFT', false],
    ['CLOSED', 'AGREED', false],
    ['CLOSED', 'FOLLOWED_UP', false],
    ['CLOSED', 'CLOSED', false],
  ];

  it.each(transitions)('%s → %s allowed: %s', (from, to, allowed) => {
    const state = withPlanIn(from);
    const result = decideOn(state, (s) => reviseCarePlan(s, ACTOR.ward, revision(s, to), now));
    if (allowed) {
      expect(expectValidDecision(state, result).next.carePlans[0]?.status).toBe(to);
    } else {
      const message = expectRefusal(result, 'INVALID_STATE');
      expect(message).toContain(from);
    }
  });

  it('refuses a revision of a stale version (CONCURRENT_MODIFICATION)', () => {
    const state = withPlanIn('AGREED');
    const message = expectRefusal(
      decideOn(state, (s) =>
        reviseCarePlan(s, ACTOR.ward, revision(s, 'AGREED', { expectedVersion: 1 }), now),
      ),
      'CONCURRENT_MODIFICATION',
    );
    expect(message).toContain('version 2');
  });

  it('refuses a plan that is not in the case (CARE_PLAN_NOT_FOUND)', () => {
    const state = withPlan();
    expectRefusal(
      decideOn(state, (s) =>
        reviseCarePlan(
          s,
          ACTOR.ward,
          revision(s, 'DRAFT', { carePlanId: 'b0000000-0000-4000-8000-000000000999' }),
          now,
        ),
      ),
      'CARE_PLAN_NOT_FOUND',
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(withPlan(), (s) => reviseCarePlan(s, ACTOR.outsider, revision(s, 'DRAFT'), now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses a unit that has left the case (NOT_A_PARTY)', () => {
    const transferred = stored(
      expectDecision(
        transferResponsibility(
          withPlan(),
          ACTOR.ward,
          { fromUnitId: UNIT.primaryCare, toUnitId: UNIT.otherPrimaryCare, role: 'PRIMARY_CARE' },
          now,
        ),
      ),
    );
    expectRefusal(
      decideOn(transferred, (s) => reviseCarePlan(s, ACTOR.primaryCare, revision(s, 'DRAFT'), now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    const state = { ...closedCase(), carePlans: withPlan().carePlans };
    expectRefusal(
      decideOn(state, (s) => reviseCarePlan(s, ACTOR.ward, revision(s, 'DRAFT'), now)),
      'INVALID_STATE',
    );
  });

  it('refuses an item for a unit that is not a party (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(withPlan(), (s) =>
        reviseCarePlan(
          s,
          ACTOR.ward,
          revision(s, 'DRAFT', {
            items: [{ responsibleUnitId: UNIT.outsider, action: 'Något', dueOn: null }],
          }),
          now,
        ),
      ),
      'INVALID_INPUT',
    );
  });

  it('keeps the LPT/LRV rule when a compulsory-care plan is followed up', () => {
    const agreed = stored(
      expectDecision(
        createCarePlan(compulsoryCareCase(), ACTOR.ward, createInput({ status: 'AGREED' }), now),
      ),
    );
    expectRefusal(
      reviseCarePlan(
        agreed,
        ACTOR.ward,
        revision(agreed, 'FOLLOWED_UP', {
          items: [{ responsibleUnitId: UNIT.ward, action: 'Uppföljning', dueOn: null }],
        }),
        now,
      ),
      'INVALID_INPUT',
    );
  });
});
