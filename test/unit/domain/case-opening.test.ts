import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  addNote,
  annulMessage,
  eventsWithPendingAcknowledgement,
  sendAdmissionNotice,
} from '../../../src/domain/case/commands.js';
import {
  ACTOR,
  ADMITTED_AT,
  admissionInput,
  CASE_ID,
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

describe('sendAdmissionNotice (inskrivningsmeddelande)', () => {
  const now = hoursAfterAdmission(2);

  it('opens the case in PLANNING at version 1 with every party joined now', () => {
    const input = Object.freeze(admissionInput());
    const decision = expectDecision(sendAdmissionNotice(ACTOR.ward, input, now));
    const { next } = decision;
    expect(next).toMatchObject({
      id: CASE_ID,
      status: 'PLANNING',
      version: 1,
      psychiatric: false,
      compulsoryCare: 'NONE',
      consent: 'NOT_ASKED',
      admittedAt: ADMITTED_AT,
      admissionNoticeAt: now,
      fixedCareContact: null,
      readyForDischargeAt: null,
      carePlans: [],
    });
    expect(next.parties).toEqual([
      { unitId: UNIT.ward, role: 'WARD', joinedAt: now, leftAt: null },
      {
        unitId: UNIT.socialServices,
        role: 'MUNICIPAL_SOCIAL_SERVICES',
        joinedAt: now,
        leftAt: null,
      },
      { unitId: UNIT.healthCare, role: 'MUNICIPAL_HEALTH_CARE', joinedAt: now, leftAt: null },
      { unitId: UNIT.primaryCare, role: 'PRIMARY_CARE', joinedAt: now, leftAt: null },
    ]);
    expect(input).toEqual(admissionInput());
  });

  it('sends ADMISSION_NOTICE_SENT to every party but the ward and lists it as pending:1', () => {
    const decision = expectDecision(sendAdmissionNotice(ACTOR.ward, admissionInput(), now));
    expect(decision.events).toHaveLength(1);
    const [event] = decision.events;
    expect(event).toMatchObject({
      type: 'ADMISSION_NOTICE_SENT',
      occurredAt: now,
      author: ACTOR.ward,
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
    });
    expect(event?.payload).toMatchObject({
      admittedAt: ADMITTED_AT.toISOString(),
      expectedNeeds: 'Hemtjänst morgon och kväll',
      sentWithin24h: true,
    });
    expect(decision.next.events).toEqual([
      {
        id: 'pending:1',
        sequence: 1,
        type: 'ADMISSION_NOTICE_SENT',
        authorUnitId: UNIT.ward,
        occurredAt: now,
        recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
        acknowledgedByUnitIds: [],
        annulled: false,
      },
    ]);
  });

  it('counts a notice exactly 24 hours after admission as in time', () => {
    const decision = expectDecision(
      sendAdmissionNotice(ACTOR.ward, admissionInput(), hoursAfterAdmission(24)),
    );
    expect(decision.events[0]?.payload.sentWithin24h).toBe(true);
  });

  it('records a late notice instead of refusing it', () => {
    const decision = expectDecision(
      sendAdmissionNotice(ACTOR.ward, admissionInput(), hoursAfterAdmission(25)),
    );
    expect(decision.events[0]?.payload.sentWithin24h).toBe(false);
  });

  it('opens a case without primary care when the patient is not listed', () => {
    const decision = expectDecision(
      sendAdmissionNotice(ACTOR.ward, admissionInput({ primaryCareUnitId: null }), now),
    );
    expect(decision.next.parties.map((party) => party.role)).toEqual([
      'WARD',
      'MUNICIPAL_SOCIAL_SERVICES',
      'MUNICIPAL_HEALTH_CARE',
    ]);
    expect(decision.events[0]?.recipientUnitIds).toEqual([UNIT.socialServices, UNIT.healthCare]);
  });

  it('opens a psychiatric case with compulsory outpatient care (ÖPT)', () => {
    const decision = expectDecision(
      sendAdmissionNotice(
        ACTOR.ward,
        admissionInput({ psychiatric: true, compulsoryCare: 'OPT' }),
        now,
      ),
    );
    expect(decision.next.compulsoryCare).toBe('OPT');
  });

  it('accepts an admission time a few minutes ahead of the server clock', () => {
    const result = sendAdmissionNotice(
      ACTOR.ward,
      admissionInput({ admittedAt: new Date(now.getTime() + 4 * 60_000) }),
      now,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a ward unit other than the one the actor acts for (WRONG_PARTY)', () => {
    expectRefusal(sendAdmissionNotice(ACTOR.otherWard, admissionInput(), now), 'WRONG_PARTY');
  });

  it('refuses an admission time in the future (TIME_ORDER)', () => {
    expectRefusal(
      sendAdmissionNotice(
        ACTOR.ward,
        admissionInput({ admittedAt: new Date(now.getTime() + 6 * 60_000) }),
        now,
      ),
      'TIME_ORDER',
    );
  });

  it.each([
    ['no municipality party', { municipalityParties: [] }],
    ['compulsory care without psychiatric care', { compulsoryCare: 'ORV' as const }],
    ['a case id that is not a UUID', { caseId: 'case-1' }],
    ['an invalid admission time', { admittedAt: new Date('not a date') }],
    [
      'a municipality party that is the ward',
      { municipalityParties: [{ unitId: UNIT.ward, role: 'MUNICIPAL_HEALTH_CARE' as const }] },
    ],
    [
      'the same municipality party twice',
      {
        municipalityParties: [
          { unitId: UNIT.healthCare, role: 'MUNICIPAL_HEALTH_CARE' as const },
          { unitId: UNIT.healthCare, role: 'MUNICIPAL_HEALTH_CARE' as const },
        ],
      },
    ],
    [
      'a municipality party in a region role',
      {
        municipalityParties: [
          { unitId: UNIT.healthCare, role: 'WARD' as unknown as 'MUNICIPAL_HEALTH_CARE' },
        ],
      },
    ],
    ['primary care that is the ward', { primaryCareUnitId: UNIT.ward }],
    ['expected needs over 10 000 characters', { expectedNeeds: 'x'.repeat(10_001) }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(sendAdmissionNotice(ACTOR.ward, admissionInput(overrides), now), 'INVALID_INPUT');
  });
});

describe('acknowledge (kvittens)', () => {
  const now = hoursAfterAdmission(3);

  it('records the receipt on the event and as an acknowledgement row', () => {
    const state = openCase();
    const notice = state.events[0]!;
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => acknowledge(s, ACTOR.socialServices, { eventId: notice.id }, now)),
    );
    expect(decision.events[0]).toMatchObject({
      type: 'ACKNOWLEDGED',
      author: ACTOR.socialServices,
      recipientUnitIds: [],
      payload: { eventId: notice.id },
    });
    expect(decision.acknowledgement).toEqual({ eventId: notice.id, unitId: UNIT.socialServices });
    expect(decision.next.events[0]?.acknowledgedByUnitIds).toEqual([UNIT.socialServices]);
  });

  it('takes the event off the unit’s pending list, and only that unit’s', () => {
    const state = openCase();
    expect(eventsWithPendingAcknowledgement(state, UNIT.socialServices)).toHaveLength(1);
    const next = stored(
      expectDecision(
        acknowledge(state, ACTOR.socialServices, { eventId: state.events[0]!.id }, now),
      ),
    );
    expect(eventsWithPendingAcknowledgement(next, UNIT.socialServices)).toEqual([]);
    expect(eventsWithPendingAcknowledgement(next, UNIT.healthCare)).toHaveLength(1);
    expect(eventsWithPendingAcknowledgement(next, UNIT.ward)).toEqual([]);
  });

  it('leaves annulled messages off the pending list', () => {
    const withNote = stored(
      expectDecision(
        addNote(
          openCase(),
          ACTOR.ward,
          {
            noteId: 'a0000000-0000-4000-8000-000000000001',
            text: 'Ring dottern',
            lockedToOrganization: false,
          },
          now,
        ),
      ),
    );
    const note = withNote.events.at(-1)!;
    const annulled = stored(
      expectDecision(
        annulMessage(withNote, ACTOR.ward, { eventId: note.id, reason: 'Fel patient' }, now),
      ),
    );
    const pending = eventsWithPendingAcknowledgement(annulled, UNIT.healthCare).map((e) => e.type);
    expect(pending).toEqual(['ADMISSION_NOTICE_SENT', 'MESSAGE_ANNULLED']);
  });

  it('is allowed after discharge', () => {
    const state = dischargedCase();
    const discharged = state.events.find((event) => event.type === 'DISCHARGED')!;
    expect(
      acknowledge(state, ACTOR.primaryCare, { eventId: discharged.id }, hoursAfterAdmission(80)).ok,
    ).toBe(true);
  });

  it('lets the next command be decided on a decision before it is stored', () => {
    const state = openCase();
    const first = expectDecision(
      acknowledge(state, ACTOR.healthCare, { eventId: state.events[0]!.id }, now),
    );
    const second = expectValidDecision(
      first.next,
      acknowledge(first.next, ACTOR.primaryCare, { eventId: state.events[0]!.id }, now),
    );
    expect(second.next.version).toBe(3);
    expect(second.next.events.map((event) => [event.id, event.sequence])).toEqual([
      ['event-1', 1],
      ['pending:2', 2],
      ['pending:3', 3],
    ]);
    expect(second.next.events[0]?.acknowledgedByUnitIds).toEqual([
      UNIT.healthCare,
      UNIT.primaryCare,
    ]);
  });

  it('refuses to acknowledge a receipt, which is sent to no one (NOT_A_RECIPIENT)', () => {
    const state = openCase();
    const acked = stored(
      expectDecision(acknowledge(state, ACTOR.healthCare, { eventId: state.events[0]!.id }, now)),
    );
    expectRefusal(
      acknowledge(acked, ACTOR.ward, { eventId: acked.events.at(-1)!.id }, now),
      'NOT_A_RECIPIENT',
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    const state = openCase();
    expectRefusal(
      decideOn(state, (s) => acknowledge(s, ACTOR.outsider, { eventId: s.events[0]!.id }, now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses a unit the event was not sent to (NOT_A_RECIPIENT)', () => {
    const state = openCase();
    expectRefusal(
      decideOn(state, (s) => acknowledge(s, ACTOR.ward, { eventId: s.events[0]!.id }, now)),
      'NOT_A_RECIPIENT',
    );
  });

  it('refuses a second receipt from the same unit (ALREADY_ACKNOWLEDGED)', () => {
    const state = openCase();
    const eventId = state.events[0]!.id;
    const once = stored(expectDecision(acknowledge(state, ACTOR.healthCare, { eventId }, now)));
    expectRefusal(
      decideOn(once, (s) => acknowledge(s, ACTOR.healthCare, { eventId }, now)),
      'ALREADY_ACKNOWLEDGED',
    );
  });

  it('refuses an event that is not in the case (EVENT_NOT_FOUND)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => acknowledge(s, ACTOR.healthCare, { eventId: 'event-99' }, now)),
      'EVENT_NOT_FOUND',
    );
  });

  it('refuses on a closed case (INVALID_STATE)', () => {
    const state = closedCase();
    const message = expectRefusal(
      decideOn(state, (s) => acknowledge(s, ACTOR.healthCare, { eventId: s.events[0]!.id }, now)),
      'INVALID_STATE',
    );
    expect(message).toContain('CLOSED');
    expect(message).toContain('acknowledge');
  });
});
