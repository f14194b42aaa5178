import { describe, expect, it } from 'vitest';
import {
  addNote,
  annulMessage,
  appointFixedCareContact,
  callToSip,
  recordConsent,
  sendPlanningBasis,
  transferResponsibility,
} from '../../../src/domain/case/commands.js';
import type { CaseState, EventSummary } from '../../../src/domain/case/model.js';
import {
  ACTOR,
  closedCase,
  decideOn,
  dischargedCase,
  expectDecision,
  expectRefusal,
  expectValidDecision,
  hoursAfterAdmission,
  openCase,
  planningBasisInput,
  readyCase,
  stored,
  UNIT,
} from './fixtures.js';

const NOTE_ID = 'a0000000-0000-4000-8000-000000000001';
const now = hoursAfterAdmission(30);

function latest(state: CaseState): EventSummary {
  return state.events.at(-1)!;
}

function withPlanningBasis(state: CaseState, at: Date): CaseState {
  return stored(expectDecision(sendPlanningBasis(state, ACTOR.ward, planningBasisInput(), at)));
}

function withSipCall(state: CaseState, meetingAt: Date, at: Date): CaseState {
  return stored(
    expectDecision(
      callToSip(
        state,
        ACTOR.ward,
        { meetingAt, participantUnitIds: [UNIT.socialServices], message: 'Kallelse' },
        at,
      ),
    ),
  );
}

function withNote(state: CaseState, actor = ACTOR.ward): CaseState {
  return stored(
    expectDecision(
      addNote(
        state,
        actor,
        { noteId: NOTE_ID, text: 'Ring dottern', lockedToOrganization: false },
        now,
      ),
    ),
  );
}

describe('annulMessage (makulering)', () => {
  const reason = 'Skickat på fel patient';

  it('marks the message annulled and tells everyone who received it', () => {
    const state = withPlanningBasis(openCase(), hoursAfterAdmission(10));
    const basis = latest(state);
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => annulMessage(s, ACTOR.ward, { eventId: basis.id, reason }, now)),
    );
    expect(decision.events[0]).toMatchObject({
      type: 'MESSAGE_ANNULLED',
      recipientUnitIds: basis.recipientUnitIds,
      payload: { eventId: basis.id, annulledType: 'PLANNING_BASIS_SENT', reason },
    });
    expect(decision.next.events.find((e) => e.id === basis.id)?.annulled).toBe(true);
    expect(decision.next.planningBasisAt).toBeNull();
  });

  it('falls back to the earlier planning basis when the latest is annulled', () => {
    const first = hoursAfterAdmission(10);
    const state = withPlanningBasis(withPlanningBasis(openCase(), first), hoursAfterAdmission(20));
    const decision = expectDecision(
      annulMessage(state, ACTOR.ward, { eventId: latest(state).id, reason }, now),
    );
    expect(decision.next.planningBasisAt).toEqual(first);
  });

  it('keeps the latest planning basis when an earlier one is annulled', () => {
    const second = hoursAfterAdmission(20);
    const once = withPlanningBasis(openCase(), hoursAfterAdmission(10));
    const earlier = latest(once);
    const state = withPlanningBasis(once, second);
    const decision = expectDecision(
      annulMessage(state, ACTOR.ward, { eventId: earlier.id, reason }, now),
    );
    expect(decision.next.planningBasisAt).toEqual(second);
  });

  it('clears the SIP call in force', () => {
    const state = withSipCall(openCase(), hoursAfterAdmission(60), hoursAfterAdmission(10));
    const decision = expectDecision(
      annulMessage(state, ACTOR.ward, { eventId: latest(state).id, reason }, now),
    );
    expect(decision.next.sipCalledAt).toBeNull();
    expect(decision.next.sipMeetingAt).toBeNull();
  });

  it('leaves the SIP call in force when an earlier, replaced call is annulled', () => {
    const once = withSipCall(openCase(), hoursAfterAdmission(60), hoursAfterAdmission(10));
    const earlier = latest(once);
    const state = withSipCall(once, hoursAfterAdmission(70), hoursAfterAdmission(20));
    const decision = expectDecision(
      annulMessage(state, ACTOR.ward, { eventId: earlier.id, reason }, now),
    );
    expect(decision.next.sipMeetingAt).toEqual(hoursAfterAdmission(70));
    expect(decision.next.sipCalledAt).toEqual(hoursAfterAdmission(20));
  });

  it('clears the fixed care contact whose appointment is annulled', () => {
    const state = stored(
      expectDecision(
        appointFixedCareContact(
          openCase(),
          ACTOR.primaryCare,
          { name: 'Eva', hsaId: null, unitId: UNIT.primaryCare },
          now,
        ),
      ),
    );
    const decision = expectDecision(
      annulMessage(state, ACTOR.primaryCare, { eventId: latest(state).id, reason }, now),
    );
    expect(decision.next.fixedCareContact).toBeNull();
  });

  it('annuls a note without touching anything else', () => {
    const state = withNote(openCase());
    const decision = expectValidDecision(
      state,
      annulMessage(state, ACTOR.ward, { eventId: latest(state).id, reason }, now),
    );
    expect({ ...decision.next, events: [], version: 0 }).toEqual({
      ...state,
      events: [],
      version: 0,
    });
  });

  it('does not send the annulment to units that have left the case', () => {
    const noted = withNote(openCase());
    const note = latest(noted);
    const state = stored(
      expectDecision(
        transferResponsibility(
          noted,
          ACTOR.ward,
          { fromUnitId: UNIT.primaryCare, toUnitId: UNIT.otherPrimaryCare, role: 'PRIMARY_CARE' },
          now,
        ),
      ),
    );
    const decision = expectDecision(
      annulMessage(state, ACTOR.ward, { eventId: note.id, reason }, now),
    );
    expect(decision.events[0]?.recipientUnitIds).toEqual([UNIT.socialServices, UNIT.healthCare]);
  });

  it.each([
    ['ADMISSION_NOTICE_SENT', () => openCase()],
    ['READY_FOR_DISCHARGE_NOTIFIED', () => readyCase()],
    ['DISCHARGED', () => dischargedCase()],
  ])('refuses to annul %s (NOT_ANNULLABLE)', (type, build) => {
    const state = build();
    const target = state.events.find((event) => event.type === type)!;
    expectRefusal(
      decideOn(state, (s) => annulMessage(s, ACTOR.ward, { eventId: target.id, reason }, now)),
      'NOT_ANNULLABLE',
    );
  });

  it("refuses another unit's message (WRONG_PARTY)", () => {
    const state = withNote(openCase(), ACTOR.socialServices);
    expectRefusal(
      decideOn(state, (s) => annulMessage(s, ACTOR.ward, { eventId: latest(s).id, reason }, now)),
      'WRONG_PARTY',
    );
  });

  it('refuses a message already annulled (ALREADY_ANNULLED)', () => {
    const noted = withNote(openCase());
    const note = latest(noted);
    const state = stored(
      expectDecision(annulMessage(noted, ACTOR.ward, { eventId: note.id, reason }, now)),
    );
    expectRefusal(
      decideOn(state, (s) => annulMessage(s, ACTOR.ward, { eventId: note.id, reason }, now)),
      'ALREADY_ANNULLED',
    );
  });

  it('refuses an event that is not in the case (EVENT_NOT_FOUND)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        annulMessage(s, ACTOR.ward, { eventId: 'event-42', reason }, now),
      ),
      'EVENT_NOT_FOUND',
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    const state = withNote(openCase());
    expectRefusal(
      decideOn(state, (s) =>
        annulMessage(s, ACTOR.outsider, { eventId: latest(s).id, reason }, now),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses on a closed case (INVALID_STATE)', () => {
    const state = closedCase();
    expectRefusal(
      decideOn(state, (s) =>
        annulMessage(s, ACTOR.ward, { eventId: s.events[0]!.id, reason }, now),
      ),
      'INVALID_STATE',
    );
  });

  it('refuses a blank reason (INVALID_INPUT)', () => {
    const state = withNote(openCase());
    expectRefusal(
      decideOn(state, (s) =>
        annulMessage(s, ACTOR.ward, { eventId: latest(s).id, reason: ' ' }, now),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('transferResponsibility (ansvarsöverflyttning)', () => {
  const toOtherPrimaryCare = {
    fromUnitId: UNIT.primaryCare,
    toUnitId: UNIT.otherPrimaryCare,
    role: 'PRIMARY_CARE' as const,
  };

  it('lets the unit hand over: it leaves now, the new unit joins, both are told', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => transferResponsibility(s, ACTOR.primaryCare, toOtherPrimaryCare, now)),
    );
    expect(decision.next.parties.filter((p) => p.role === 'PRIMARY_CARE')).toEqual([
      {
        unitId: UNIT.primaryCare,
        role: 'PRIMARY_CARE',
        joinedAt: hoursAfterAdmission(2),
        leftAt: now,
      },
      { unitId: UNIT.otherPrimaryCare, role: 'PRIMARY_CARE', joinedAt: now, leftAt: null },
    ]);
    expect(decision.events[0]).toMatchObject({
      type: 'RESPONSIBILITY_TRANSFERRED',
      recipientUnitIds: [UNIT.ward, UNIT.socialServices, UNIT.healthCare, UNIT.otherPrimaryCare],
      payload: { ...toOtherPrimaryCare, fixedCareContactCleared: false },
    });
  });

  it('lets the ward move a role and tells both units', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      transferResponsibility(
        state,
        ACTOR.ward,
        { fromUnitId: UNIT.healthCare, toUnitId: UNIT.outsider, role: 'MUNICIPAL_HEALTH_CARE' },
        now,
      ),
    );
    expect(decision.events[0]?.recipientUnitIds).toEqual(
      expect.arrayContaining([UNIT.healthCare, UNIT.outsider]),
    );
    expect(decision.events[0]?.recipientUnitIds).not.toContain(UNIT.ward);
  });

  it('clears a fixed care contact who worked at the unit that left', () => {
    const state = stored(
      expectDecision(
        appointFixedCareContact(
          openCase(),
          ACTOR.primaryCare,
          { name: 'Eva', hsaId: null, unitId: UNIT.primaryCare },
          now,
        ),
      ),
    );
    const decision = expectDecision(
      transferResponsibility(state, ACTOR.primaryCare, toOtherPrimaryCare, now),
    );
    expect(decision.next.fixedCareContact).toBeNull();
    expect(decision.events[0]?.payload.fixedCareContactCleared).toBe(true);
  });

  it('moves the ward role to another ward, which then acts as the ward', () => {
    const state = stored(
      expectDecision(
        transferResponsibility(
          readyCase(),
          ACTOR.ward,
          { fromUnitId: UNIT.ward, toUnitId: UNIT.otherWard, role: 'WARD' },
          now,
        ),
      ),
    );
    expect(
      callToSip(
        state,
        ACTOR.otherWard,
        {
          meetingAt: hoursAfterAdmission(60),
          participantUnitIds: [UNIT.socialServices],
          message: 'SIP',
        },
        now,
      ).ok,
    ).toBe(true);
    expectRefusal(
      callToSip(
        state,
        ACTOR.ward,
        {
          meetingAt: hoursAfterAdmission(60),
          participantUnitIds: [UNIT.socialServices],
          message: 'SIP',
        },
        now,
      ),
      'NOT_A_PARTY',
    );
  });

  it('is allowed after discharge, e.g. a new outpatient unit for ÖPT', () => {
    const state = dischargedCase();
    expectValidDecision(
      state,
      transferResponsibility(state, ACTOR.ward, toOtherPrimaryCare, hoursAfterAdmission(80)),
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        transferResponsibility(s, ACTOR.outsider, toOtherPrimaryCare, now),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses a party that is neither the unit handing over nor the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        transferResponsibility(s, ACTOR.socialServices, toOtherPrimaryCare, now),
      ),
      'WRONG_PARTY',
    );
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(closedCase(), (s) => transferResponsibility(s, ACTOR.ward, toOtherPrimaryCare, now)),
      'INVALID_STATE',
    );
  });

  it.each([
    ['a from unit without that role', { role: 'MUNICIPAL_HEALTH_CARE' as const }],
    ['the same unit on both sides', { toUnitId: UNIT.primaryCare }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        transferResponsibility(s, ACTOR.ward, { ...toOtherPrimaryCare, ...overrides }, now),
      ),
      'INVALID_INPUT',
    );
  });

  it('refuses a receiving unit that already has the role (INVALID_INPUT)', () => {
    // One municipal unit doing both social services and health care for this patient.
    const state = openCase({
      municipalityParties: [
        { unitId: UNIT.socialServices, role: 'MUNICIPAL_SOCIAL_SERVICES' },
        { unitId: UNIT.healthCare, role: 'MUNICIPAL_HEALTH_CARE' },
        { unitId: UNIT.healthCare, role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ],
    });
    const message = expectRefusal(
      decideOn(state, (s) =>
        transferResponsibility(
          s,
          ACTOR.ward,
          {
            fromUnitId: UNIT.socialServices,
            toUnitId: UNIT.healthCare,
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
          now,
        ),
      ),
      'INVALID_INPUT',
    );
    expect(message).toContain('already');
  });
});

describe('addNote (tilläggsanteckning)', () => {
  it('stores the note apart and announces only that it exists', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        addNote(
          s,
          ACTOR.socialServices,
          { noteId: NOTE_ID, text: '  Dottern har nyckel  ', lockedToOrganization: false },
          now,
        ),
      ),
    );
    expect(decision.note).toEqual({
      id: NOTE_ID,
      text: 'Dottern har nyckel',
      lockedToOrganization: false,
    });
    expect(decision.events[0]).toMatchObject({
      type: 'NOTE_ADDED',
      recipientUnitIds: [UNIT.ward, UNIT.healthCare, UNIT.primaryCare],
    });
    expect(decision.events[0]?.payload).toEqual({ noteId: NOTE_ID, locked: false });
  });

  it('never puts a locked note’s text in the event', () => {
    const decision = expectDecision(
      addNote(
        openCase(),
        ACTOR.socialServices,
        { noteId: NOTE_ID, text: 'Hemlig uppgift', lockedToOrganization: true },
        now,
      ),
    );
    expect(decision.events[0]?.payload).toEqual({ noteId: NOTE_ID, locked: true });
    expect(JSON.stringify(decision.events)).not.toContain('Hemlig');
    expect(JSON.stringify(decision.next)).not.toContain('Hemlig');
    expect(decision.note?.lockedToOrganization).toBe(true);
  });

  it('accepts exactly 10 000 characters', () => {
    expect(
      addNote(
        openCase(),
        ACTOR.ward,
        { noteId: NOTE_ID, text: 'x'.repeat(10_000), lockedToOrganization: false },
        now,
      ).ok,
    ).toBe(true);
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        addNote(
          s,
          ACTOR.outsider,
          { noteId: NOTE_ID, text: 'Hej', lockedToOrganization: false },
          now,
        ),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(closedCase(), (s) =>
        addNote(s, ACTOR.ward, { noteId: NOTE_ID, text: 'Hej', lockedToOrganization: false }, now),
      ),
      'INVALID_STATE',
    );
  });

  it.each([
    ['blank text', { text: ' \n ' }],
    ['text over 10 000 characters', { text: 'x'.repeat(10_001) }],
    ['a note id that is not a UUID', { noteId: 'note-1' }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(openCase(), (s) =>
        addNote(
          s,
          ACTOR.ward,
          { noteId: NOTE_ID, text: 'Hej', lockedToOrganization: false, ...overrides },
          now,
        ),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('recordConsent (samtycke)', () => {
  it('records that the patient declined support, and later accepted it, for payment responsibility', () => {
    const declining = expectDecision(
      recordConsent(openCase(), ACTOR.ward, { consent: 'GIVEN', supportDeclined: true }, now),
    );
    expect(declining.events[0]?.payload).toMatchObject({ supportDeclined: true });
    const declined = stored(declining);
    const accepted = expectValidDecision(
      declined,
      recordConsent(
        declined,
        ACTOR.socialServices,
        { consent: 'GIVEN', supportDeclined: false },
        now,
      ),
    );
    expect(accepted.events[0]?.payload).toMatchObject({ consent: 'GIVEN', supportDeclined: false });
    const plain = expectDecision(recordConsent(openCase(), ACTOR.ward, { consent: 'GIVEN' }, now));
    expect(plain.events[0]?.payload).not.toHaveProperty('supportDeclined');
  });

  it('records consent with the earlier status in the event', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => recordConsent(s, ACTOR.socialServices, { consent: 'GIVEN' }, now)),
    );
    expect(decision.next.consent).toBe('GIVEN');
    expect(decision.events[0]).toMatchObject({
      type: 'CONSENT_RECORDED',
      recipientUnitIds: [UNIT.ward, UNIT.healthCare, UNIT.primaryCare],
      payload: { consent: 'GIVEN', previous: 'NOT_ASKED', note: null },
    });
  });

  it('records a refusal with a note, replacing an earlier consent', () => {
    const given = stored(
      expectDecision(recordConsent(openCase(), ACTOR.ward, { consent: 'GIVEN' }, now)),
    );
    const decision = expectValidDecision(
      given,
      recordConsent(given, ACTOR.ward, { consent: 'DECLINED', note: ' Vill inte ' }, now),
    );
    expect(decision.next.consent).toBe('DECLINED');
    expect(decision.events[0]?.payload).toEqual({
      consent: 'DECLINED',
      previous: 'GIVEN',
      note: 'Vill inte',
    });
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(openCase(), (s) => recordConsent(s, ACTOR.outsider, { consent: 'GIVEN' }, now)),
      'NOT_A_PARTY',
    );
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(closedCase(), (s) => recordConsent(s, ACTOR.ward, { consent: 'GIVEN' }, now)),
      'INVALID_STATE',
    );
  });

  it.each([
    ['NOT_ASKED, which is not an answer', { consent: 'NOT_ASKED' as 'GIVEN' }],
    ['a note over 2 000 characters', { consent: 'GIVEN' as const, note: 'x'.repeat(2_001) }],
  ])('refuses %s (INVALID_INPUT)', (_what, input) => {
    expectRefusal(
      decideOn(openCase(), (s) => recordConsent(s, ACTOR.ward, input, now)),
      'INVALID_INPUT',
    );
  });
});
