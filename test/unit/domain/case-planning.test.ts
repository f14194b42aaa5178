import { describe, expect, it } from 'vitest';
import {
  announceDischarge,
  appointFixedCareContact,
  callToSip,
  notifyReadyForDischarge,
  sendPlanningBasis,
  withdrawReadyForDischarge,
} from '../../../src/domain/case/commands.js';
import type { CaseState } from '../../../src/domain/case/model.js';
import type { AdlLevel } from '../../../src/domain/case/planning-basis.js';
import {
  ACTOR,
  ADMITTED_AT,
  announcedCase,
  decideOn,
  dischargedCase,
  expectDecision,
  expectRefusal,
  expectValidDecision,
  hoursAfterAdmission,
  openCase,
  planningBasisInput,
  READY_AT,
  readyCase,
  stored,
  UNIT,
} from './fixtures.js';

const CONTACT = {
  name: 'Eva Distriktssköterska',
  hsaId: 'SE2321000016-E001',
  unitId: UNIT.primaryCare,
};

function withFixedCareContact(state: CaseState): CaseState {
  return stored(
    expectDecision(appointFixedCareContact(state, ACTOR.primaryCare, CONTACT, READY_AT)),
  );
}

describe('sendPlanningBasis (planeringsunderlag)', () => {
  const now = hoursAfterAdmission(20);

  it('sends the structured basis to every other party and sets planningBasisAt', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        sendPlanningBasis(
          s,
          ACTOR.ward,
          planningBasisInput({ diagnosisSummary: '  Stroke  ' }),
          now,
        ),
      ),
    );
    expect(decision.events[0]).toMatchObject({
      type: 'PLANNING_BASIS_SENT',
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
      payload: { ...planningBasisInput(), diagnosisSummary: 'Stroke' },
    });
    expect(decision.next.planningBasisAt).toEqual(now);
  });

  it('may be sent again once the patient is ready for discharge', () => {
    const state = readyCase();
    expectValidDecision(state, sendPlanningBasis(state, ACTOR.ward, planningBasisInput(), now));
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => sendPlanningBasis(s, ACTOR.outsider, planningBasisInput(), now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        sendPlanningBasis(s, ACTOR.primaryCare, planningBasisInput(), now),
      ),
      'WRONG_PARTY',
    );
  });

  it('refuses once the discharge is announced (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(announcedCase(), (s) => sendPlanningBasis(s, ACTOR.ward, planningBasisInput(), now)),
      'INVALID_STATE',
    );
    expect(message).toContain('sendPlanningBasis');
    expect(message).toContain('DISCHARGE_ANNOUNCED');
  });

  it.each([
    ['a blank diagnosis summary', { diagnosisSummary: '   ' }],
    ['a blank expected need', { expectedNeeds: '' }],
    [
      'an unknown ADL level',
      {
        adl: {
          ...planningBasisInput().adl,
          bathing: 'SOMETIMES' as AdlLevel,
        },
      },
    ],
    ['an estimated day that does not exist', { estimatedReadyOn: '2026-02-30' }],
    ['a blank assistive aid', { assistiveAids: ['Rollator', ' '] }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        sendPlanningBasis(s, ACTOR.ward, planningBasisInput(overrides), now),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('appointFixedCareContact (fast vårdkontakt)', () => {
  const now = hoursAfterAdmission(20);

  it('lets primary care appoint a contact and tells the other parties', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => appointFixedCareContact(s, ACTOR.primaryCare, CONTACT, now)),
    );
    expect(decision.next.fixedCareContact).toEqual(CONTACT);
    expect(decision.events[0]).toMatchObject({
      type: 'FIXED_CARE_CONTACT_APPOINTED',
      recipientUnitIds: [UNIT.ward, UNIT.socialServices, UNIT.healthCare],
      payload: CONTACT,
    });
  });

  it('accepts a contact without HSA-ID', () => {
    const decision = expectDecision(
      appointFixedCareContact(openCase(), ACTOR.primaryCare, { ...CONTACT, hsaId: null }, now),
    );
    expect(decision.next.fixedCareContact?.hsaId).toBeNull();
  });

  it('lets the ward appoint when the patient has no primary-care party', () => {
    const state = openCase({ primaryCareUnitId: null });
    const contact = { name: 'Kim Kurator', hsaId: null, unitId: UNIT.ward };
    const decision = expectValidDecision(
      state,
      appointFixedCareContact(state, ACTOR.ward, contact, now),
    );
    expect(decision.next.fixedCareContact).toEqual(contact);
  });

  it('replaces an earlier contact while the patient is ready', () => {
    const state = withFixedCareContact(readyCase());
    const decision = expectValidDecision(
      state,
      appointFixedCareContact(state, ACTOR.primaryCare, { ...CONTACT, name: 'Ny Kontakt' }, now),
    );
    expect(decision.next.fixedCareContact?.name).toBe('Ny Kontakt');
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => appointFixedCareContact(s, ACTOR.outsider, CONTACT, now)),
      'NOT_A_PARTY',
    );
  });

  it.each([
    ['the ward when primary care takes part', 'ward'],
    ['the municipality', 'socialServices'],
  ] as const)('refuses %s (WRONG_PARTY)', (_what, who) => {
    expectRefusal(
      decideOn(openCase(), (s) => appointFixedCareContact(s, ACTOR[who], CONTACT, now)),
      'WRONG_PARTY',
    );
  });

  it('refuses after discharge (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(dischargedCase(), (s) =>
        appointFixedCareContact(s, ACTOR.primaryCare, CONTACT, now),
      ),
      'INVALID_STATE',
    );
  });

  it.each([
    ['a malformed HSA-ID', { hsaId: 'SE-123' }],
    ['a unit that is not a party', { unitId: UNIT.outsider }],
    ['a blank name', { name: ' ' }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        appointFixedCareContact(s, ACTOR.primaryCare, { ...CONTACT, ...overrides }, now),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('notifyReadyForDischarge (utskrivningsklar)', () => {
  const now = hoursAfterAdmission(26);
  // The physician's judgement an hour earlier, with seconds: the time of day is kept.
  const readyAt = new Date('2026-03-03T09:37:12Z');

  it('moves the case to READY_FOR_DISCHARGE at the judged time and tells the other parties', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => notifyReadyForDischarge(s, ACTOR.ward, { readyAt }, now)),
    );
    expect(decision.next).toMatchObject({
      status: 'READY_FOR_DISCHARGE',
      readyForDischargeAt: readyAt,
      readyWithdrawnAt: null,
    });
    expect(decision.events[0]).toMatchObject({
      type: 'READY_FOR_DISCHARGE_NOTIFIED',
      occurredAt: now,
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
      payload: { readyAt: readyAt.toISOString() },
    });
  });

  it('clears an earlier withdrawal when the patient is ready again', () => {
    const withdrawn = stored(
      expectDecision(withdrawReadyForDischarge(readyCase(), ACTOR.ward, { reason: 'Feber' }, now)),
    );
    expect(withdrawn.readyWithdrawnAt).toEqual(now);
    const later = hoursAfterAdmission(50);
    const decision = expectValidDecision(
      withdrawn,
      notifyReadyForDischarge(withdrawn, ACTOR.ward, { readyAt: later }, later),
    );
    expect(decision.next.readyWithdrawnAt).toBeNull();
    expect(decision.next.readyForDischargeAt).toEqual(later);
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => notifyReadyForDischarge(s, ACTOR.outsider, { readyAt }, now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => notifyReadyForDischarge(s, ACTOR.healthCare, { readyAt }, now)),
      'WRONG_PARTY',
    );
  });

  it('refuses a case that is already ready (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(readyCase(), (s) => notifyReadyForDischarge(s, ACTOR.ward, { readyAt }, now)),
      'INVALID_STATE',
    );
    expect(message).toContain('READY_FOR_DISCHARGE');
  });

  it('refuses a case without an admission notice (INVALID_STATE)', () => {
    const state: CaseState = { ...openCase(), admissionNoticeAt: null };
    const message = expectRefusal(
      decideOn(state, (s) => notifyReadyForDischarge(s, ACTOR.ward, { readyAt }, now)),
      'INVALID_STATE',
    );
    expect(message).toContain('admission notice');
  });

  it.each([
    ['in the future', new Date(now.getTime() + 10 * 60_000)],
    ['before admission', new Date(ADMITTED_AT.getTime() - 1)],
  ])('refuses a ready time %s (TIME_ORDER)', (_what, time) => {
    expectRefusal(
      decideOn(openCase(), (s) => notifyReadyForDischarge(s, ACTOR.ward, { readyAt: time }, now)),
      'TIME_ORDER',
    );
  });

  it('refuses an invalid ready time (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        notifyReadyForDischarge(s, ACTOR.ward, { readyAt: new Date(Number.NaN) }, now),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('withdrawReadyForDischarge (avbrott i utskrivningsklar)', () => {
  const now = hoursAfterAdmission(40);

  it('returns a ready case to PLANNING and keeps the ready time for history', () => {
    const state = readyCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => withdrawReadyForDischarge(s, ACTOR.ward, { reason: ' Feber ' }, now)),
    );
    expect(decision.next).toMatchObject({
      status: 'PLANNING',
      readyWithdrawnAt: now,
      readyForDischargeAt: READY_AT,
      plannedDischargeAt: null,
    });
    expect(decision.events[0]).toMatchObject({
      type: 'READY_FOR_DISCHARGE_WITHDRAWN',
      payload: { reason: 'Feber', readyAt: READY_AT.toISOString() },
    });
  });

  it('clears the planned discharge of an announced case', () => {
    const state = announcedCase();
    expect(state.plannedDischargeAt).not.toBeNull();
    const decision = expectValidDecision(
      state,
      withdrawReadyForDischarge(state, ACTOR.ward, { reason: 'Fall på avdelningen' }, now),
    );
    expect(decision.next.status).toBe('PLANNING');
    expect(decision.next.plannedDischargeAt).toBeNull();
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) =>
        withdrawReadyForDischarge(s, ACTOR.outsider, { reason: 'Feber' }, now),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) =>
        withdrawReadyForDischarge(s, ACTOR.socialServices, { reason: 'Feber' }, now),
      ),
      'WRONG_PARTY',
    );
  });

  it('refuses a case that is not ready (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(openCase(), (s) =>
        withdrawReadyForDischarge(s, ACTOR.ward, { reason: 'Feber' }, now),
      ),
      'INVALID_STATE',
    );
    expect(message).toContain('PLANNING');
  });

  it('refuses a blank reason (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) => withdrawReadyForDischarge(s, ACTOR.ward, { reason: '  ' }, now)),
      'INVALID_INPUT',
    );
  });
});

describe('callToSip (kallelse till SIP)', () => {
  // READY_AT is 3 March 10:00 in Stockholm; the call is due by the end of 6 March there.
  const meetingAt = new Date('2026-03-10T08:00:00Z');
  const sipInput = {
    meetingAt,
    participantUnitIds: [UNIT.ward, UNIT.socialServices, UNIT.primaryCare],
    message: 'Välkomna till SIP-möte',
  };

  it('lets the fixed care contact call the participants and records the meeting', () => {
    const state = withFixedCareContact(readyCase());
    const now = hoursAfterAdmission(30);
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => callToSip(s, ACTOR.primaryCare, sipInput, now)),
    );
    expect(decision.next.sipCalledAt).toEqual(now);
    expect(decision.next.sipMeetingAt).toEqual(meetingAt);
    expect(decision.events[0]).toMatchObject({
      type: 'SIP_CALLED',
      recipientUnitIds: [UNIT.ward, UNIT.socialServices],
      payload: {
        meetingAt: meetingAt.toISOString(),
        participantUnitIds: sipInput.participantUnitIds,
        message: 'Välkomna till SIP-möte',
        withinThreeDaysOfReady: true,
      },
    });
  });

  it('counts the three days in Stockholm calendar days', () => {
    const state = withFixedCareContact(readyCase());
    const lastMinute = new Date('2026-03-06T22:30:00Z'); // 6 March 23:30 in Stockholm
    const tooLate = new Date('2026-03-06T23:30:00Z'); // 7 March 00:30 in Stockholm
    const inTime = expectDecision(callToSip(state, ACTOR.primaryCare, sipInput, lastMinute));
    const late = expectDecision(callToSip(state, ACTOR.primaryCare, sipInput, tooLate));
    expect(inTime.events[0]?.payload.withinThreeDaysOfReady).toBe(true);
    expect(late.events[0]?.payload.withinThreeDaysOfReady).toBe(false);
  });

  it('lets the ward call before the patient is ready, with no deadline running', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      callToSip(state, ACTOR.ward, sipInput, hoursAfterAdmission(10)),
    );
    expect(decision.events[0]?.payload.withinThreeDaysOfReady).toBeNull();
    expect(decision.events[0]?.recipientUnitIds).toEqual([UNIT.socialServices, UNIT.primaryCare]);
  });

  it('may be called while the discharge is announced', () => {
    const state = announcedCase();
    expect(callToSip(state, ACTOR.ward, sipInput, hoursAfterAdmission(30)).ok).toBe(true);
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => callToSip(s, ACTOR.outsider, sipInput, hoursAfterAdmission(10))),
      'NOT_A_PARTY',
    );
  });

  it.each([
    ['the municipality', 'socialServices'],
    ['primary care that is not the fixed care contact', 'primaryCare'],
  ] as const)('refuses %s (WRONG_PARTY)', (_what, who) => {
    expectRefusal(
      decideOn(openCase(), (s) => callToSip(s, ACTOR[who], sipInput, hoursAfterAdmission(10))),
      'WRONG_PARTY',
    );
  });

  it('refuses after discharge (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(dischargedCase(), (s) =>
        callToSip(s, ACTOR.ward, sipInput, hoursAfterAdmission(80)),
      ),
      'INVALID_STATE',
    );
  });

  it.each([
    ['no participants', { participantUnitIds: [] }],
    ['a participant that is not a party', { participantUnitIds: [UNIT.outsider] }],
    ['a blank message', { message: '' }],
    ['an invalid meeting time', { meetingAt: new Date('x') }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        callToSip(s, ACTOR.ward, { ...sipInput, ...overrides }, hoursAfterAdmission(10)),
      ),
      'INVALID_INPUT',
    );
  });

  it('refuses a meeting in the past (TIME_ORDER)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        callToSip(s, ACTOR.ward, { ...sipInput, meetingAt: ADMITTED_AT }, hoursAfterAdmission(10)),
      ),
      'TIME_ORDER',
    );
  });
});

describe('announceDischarge (utskrivningsmeddelande)', () => {
  const now = hoursAfterAdmission(26);
  const plannedAt = new Date('2026-03-05T09:00:00Z');

  it('announces the planned day to the other parties', () => {
    const state = readyCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => announceDischarge(s, ACTOR.ward, { plannedAt }, now)),
    );
    expect(decision.next.status).toBe('DISCHARGE_ANNOUNCED');
    expect(decision.next.plannedDischargeAt).toEqual(plannedAt);
    expect(decision.events[0]).toMatchObject({
      type: 'DISCHARGE_ANNOUNCED',
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
      payload: { plannedAt: plannedAt.toISOString(), previousPlannedAt: null },
    });
  });

  it('moves an announced date and records the earlier one', () => {
    const state = announcedCase();
    const moved = new Date('2026-03-06T09:00:00Z');
    const decision = expectValidDecision(
      state,
      announceDischarge(state, ACTOR.ward, { plannedAt: moved }, now),
    );
    expect(decision.next.plannedDischargeAt).toEqual(moved);
    expect(decision.events[0]?.payload.previousPlannedAt).toBe(
      state.plannedDischargeAt?.toISOString(),
    );
  });

  it('accepts a discharge later the same day, even at an earlier hour', () => {
    const earlierToday = new Date('2026-03-03T07:00:00Z'); // now is 3 March 11:00 Stockholm
    expect(announceDischarge(readyCase(), ACTOR.ward, { plannedAt: earlierToday }, now).ok).toBe(
      true,
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) => announceDischarge(s, ACTOR.outsider, { plannedAt }, now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) => announceDischarge(s, ACTOR.primaryCare, { plannedAt }, now)),
      'WRONG_PARTY',
    );
  });

  it('refuses a case that is not ready (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(openCase(), (s) => announceDischarge(s, ACTOR.ward, { plannedAt }, now)),
      'INVALID_STATE',
    );
    expect(message).toContain('announceDischarge');
  });

  it('refuses a day before today (TIME_ORDER)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) =>
        announceDischarge(s, ACTOR.ward, { plannedAt: new Date('2026-03-02T12:00:00Z') }, now),
      ),
      'TIME_ORDER',
    );
  });

  it('refuses an invalid time (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(readyCase(), (s) =>
        announceDischarge(s, ACTOR.ward, { plannedAt: new Date(Number.NaN) }, now),
      ),
      'INVALID_INPUT',
    );
  });
});
