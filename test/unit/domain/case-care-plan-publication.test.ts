import { describe, expect, it } from 'vitest';
import {
  closeCase,
  createCarePlan,
  publishCarePlanToPatient,
  reviseCarePlan,
  withdrawCarePlanFromPatient,
} from '../../../src/domain/case/commands.js';
import { CASE_GUARDS } from '../../../src/domain/case/guards.js';
import type { CarePlanStatus, CaseState } from '../../../src/domain/case/model.js';
import {
  ACTOR,
  carePlanContent,
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

const PLAN_ID = 'b0000000-0000-4000-8000-000000000009';
const now = hoursAfterAdmission(30);

function withPlan(status: CarePlanStatus, state: CaseState = openCase()): CaseState {
  return stored(
    expectDecision(
      createCarePlan(
        state,
        ACTOR.primaryCare,
        { carePlanId: PLAN_ID, kind: 'SIP', ...carePlanContent({ status }) },
        now,
      ),
    ),
  );
}

function revised(state: CaseState, status: CarePlanStatus): CaseState {
  const plan = state.carePlans[0]!;
  return stored(
    expectDecision(
      reviseCarePlan(
        state,
        ACTOR.ward,
        {
          carePlanId: PLAN_ID,
          expectedVersion: plan.latestVersion,
          ...carePlanContent({ status }),
        },
        now,
      ),
    ),
  );
}

function published(state: CaseState, version: number): CaseState {
  return stored(
    expectDecision(
      publishCarePlanToPatient(state, ACTOR.socialServices, { carePlanId: PLAN_ID, version }, now),
    ),
  );
}

describe('publishCarePlanToPatient (publicering på 1177)', () => {
  it('publishes an agreed version and tells the other parties', () => {
    const state = withPlan('AGREED');
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        publishCarePlanToPatient(s, ACTOR.socialServices, { carePlanId: PLAN_ID, version: 1 }, now),
      ),
    );
    expect(decision.events[0]).toMatchObject({
      type: 'CARE_PLAN_PUBLISHED_TO_PATIENT',
      recipientUnitIds: [UNIT.ward, UNIT.healthCare, UNIT.primaryCare],
      payload: { carePlanId: PLAN_ID, version: 1, replacedVersion: null },
    });
    expect(decision.next.carePlans[0]?.publishedVersion).toBe(1);
    expect(decision.carePlanVersion).toBeUndefined();
  });

  it.each(['AGREED', 'FOLLOWED_UP', 'CLOSED'] as const)('publishes a %s version', (status) => {
    let state = withPlan('AGREED');
    if (status === 'FOLLOWED_UP') state = revised(state, 'FOLLOWED_UP');
    if (status === 'CLOSED') state = revised(state, 'CLOSED');
    const version = state.carePlans[0]!.latestVersion;
    expect(published(state, version).carePlans[0]?.publishedVersion).toBe(version);
  });

  it('refuses a draft: the patient reads what the parties agreed', () => {
    const message = expectRefusal(
      publishCarePlanToPatient(
        withPlan('DRAFT'),
        ACTOR.ward,
        { carePlanId: PLAN_ID, version: 1 },
        now,
      ),
      'INVALID_STATE',
    );
    expect(message).toContain('DRAFT');
  });

  it('keeps an earlier agreed version publishable after a draft revision', () => {
    const state = revised(revised(withPlan('DRAFT'), 'AGREED'), 'AGREED');
    expect(published(state, 2).carePlans[0]?.publishedVersion).toBe(2);
    expectRefusal(
      publishCarePlanToPatient(state, ACTOR.ward, { carePlanId: PLAN_ID, version: 1 }, now),
      'INVALID_STATE',
    );
  });

  it('replaces the version published before and says which', () => {
    const first = published(revised(withPlan('AGREED'), 'AGREED'), 1);
    const decision = expectDecision(
      publishCarePlanToPatient(first, ACTOR.ward, { carePlanId: PLAN_ID, version: 2 }, now),
    );
    expect(decision.events[0]?.payload).toEqual({
      carePlanId: PLAN_ID,
      version: 2,
      replacedVersion: 1,
    });
    expect(decision.next.carePlans[0]?.publishedVersion).toBe(2);
  });

  it('refuses the version already published, a version that does not exist and another plan', () => {
    const state = published(withPlan('AGREED'), 1);
    expectRefusal(
      publishCarePlanToPatient(state, ACTOR.ward, { carePlanId: PLAN_ID, version: 1 }, now),
      'INVALID_STATE',
    );
    expectRefusal(
      publishCarePlanToPatient(state, ACTOR.ward, { carePlanId: PLAN_ID, version: 7 }, now),
      'INVALID_INPUT',
    );
    expectRefusal(
      publishCarePlanToPatient(
        state,
        ACTOR.ward,
        { carePlanId: 'b0000000-0000-4000-8000-0000000000ff', version: 1 },
        now,
      ),
      'CARE_PLAN_NOT_FOUND',
    );
  });

  it('refuses a unit that is not a party, and a case without plans', () => {
    expectRefusal(
      publishCarePlanToPatient(
        withPlan('AGREED'),
        ACTOR.outsider,
        { carePlanId: PLAN_ID, version: 1 },
        now,
      ),
      'NOT_A_PARTY',
    );
    expectRefusal(
      publishCarePlanToPatient(openCase(), ACTOR.ward, { carePlanId: PLAN_ID, version: 1 }, now),
      'CARE_PLAN_NOT_FOUND',
    );
  });

  it('publishes on a closed case: patients read their plan after discharge', () => {
    const closed = stored(
      expectDecision(
        closeCase(
          withPlan('AGREED', dischargedCase()),
          ACTOR.ward,
          { reason: 'DISCHARGED' },
          hoursAfterAdmission(100),
        ),
      ),
    );
    expect(closed.status).toBe('CLOSED');
    expect(published(closed, 1).carePlans[0]?.publishedVersion).toBe(1);
  });
});

describe('withdrawCarePlanFromPatient', () => {
  it('withdraws the published version with a reason', () => {
    const state = published(withPlan('AGREED'), 1);
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        withdrawCarePlanFromPatient(
          s,
          ACTOR.primaryCare,
          { carePlanId: PLAN_ID, reason: ' Fel uppgifter ' },
          now,
        ),
      ),
    );
    expect(decision.events[0]).toMatchObject({
      type: 'CARE_PLAN_PUBLICATION_WITHDRAWN',
      payload: { carePlanId: PLAN_ID, version: 1, reason: 'Fel uppgifter' },
    });
    expect(decision.next.carePlans[0]?.publishedVersion).toBeNull();
  });

  it('refuses when nothing is published, and without a reason', () => {
    const unpublished = withPlan('AGREED');
    expect(CASE_GUARDS.withdrawCarePlanFromPatient(unpublished, ACTOR.ward)?.code).toBe(
      'INVALID_STATE',
    );
    expectRefusal(
      withdrawCarePlanFromPatient(
        unpublished,
        ACTOR.ward,
        { carePlanId: PLAN_ID, reason: 'x' },
        now,
      ),
      'INVALID_STATE',
    );
    expectRefusal(
      withdrawCarePlanFromPatient(
        published(unpublished, 1),
        ACTOR.ward,
        { carePlanId: PLAN_ID, reason: '  ' },
        now,
      ),
      'INVALID_INPUT',
    );
  });
});
