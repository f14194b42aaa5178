import { describe, expect, it } from 'vitest';
import {
  closeCase,
  discharge,
  renderDischargeInformation,
} from '../../../src/domain/case/commands.js';
import type { DischargeInformation } from '../../../src/domain/case/discharge-information.js';
import type { CloseReason } from '../../../src/domain/case/model.js';
import {
  ACTOR,
  ADMITTED_AT,
  announcedCase,
  closedCase,
  decideOn,
  dischargedCase,
  dischargeInformation,
  expectRefusal,
  expectValidDecision,
  hoursAfterAdmission,
  openCase,
  PLANNED_AT,
  READY_AT,
  readyCase,
  UNIT,
} from './fixtures.js';

describe('discharge (utskrivning, information vid utskrivning)', () => {
  const now = PLANNED_AT;

  it('discharges an announced case and carries the information in the event', () => {
    const state = announcedCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) =>
        discharge(
          s,
          ACTOR.ward,
          {
            dischargedAt: now,
            information: dischargeInformation({
              summary: '  Läker väl.  ',
              destinationDetail: ' ',
            }),
          },
          now,
        ),
      ),
    );
    expect(decision.next.status).toBe('DISCHARGED');
    expect(decision.next.dischargedAt).toEqual(now);
    expect(decision.events[0]).toMatchObject({
      type: 'DISCHARGED',
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
      payload: {
        dischargedAt: now.toISOString(),
        fromStatus: 'DISCHARGE_ANNOUNCED',
        readyNoticeInForce: true,
        information: dischargeInformation({ summary: 'Läker väl.', destinationDetail: null }),
      },
    });
  });

  it('discharges a ready case without an announced date', () => {
    const state = readyCase();
    const decision = expectValidDecision(
      state,
      discharge(state, ACTOR.ward, { dischargedAt: now, information: dischargeInformation() }, now),
    );
    expect(decision.events[0]?.payload.fromStatus).toBe('READY_FOR_DISCHARGE');
  });

  it('discharges a patient who leaves before being ready, and records that no notice stood', () => {
    const state = openCase();
    const decision = expectValidDecision(
      state,
      discharge(state, ACTOR.ward, { dischargedAt: now, information: dischargeInformation() }, now),
    );
    expect(decision.events[0]?.payload).toMatchObject({
      fromStatus: 'PLANNING',
      readyNoticeInForce: false,
    });
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(announcedCase(), (s) =>
        discharge(
          s,
          ACTOR.outsider,
          { dischargedAt: now, information: dischargeInformation() },
          now,
        ),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(announcedCase(), (s) =>
        discharge(
          s,
          ACTOR.healthCare,
          { dischargedAt: now, information: dischargeInformation() },
          now,
        ),
      ),
      'WRONG_PARTY',
    );
  });

  it('refuses a case already discharged (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(dischargedCase(), (s) =>
        discharge(s, ACTOR.ward, { dischargedAt: now, information: dischargeInformation() }, now),
      ),
      'INVALID_STATE',
    );
    expect(message).toContain('DISCHARGED');
  });

  it.each([
    ['in the future', new Date(now.getTime() + 60 * 60_000)],
    ['before admission', new Date(ADMITTED_AT.getTime() - 60_000)],
    ['before the patient was ready', new Date(READY_AT.getTime() - 60_000)],
  ])('refuses a discharge time %s (TIME_ORDER)', (_what, dischargedAt) => {
    expectRefusal(
      decideOn(announcedCase(), (s) =>
        discharge(s, ACTOR.ward, { dischargedAt, information: dischargeInformation() }, now),
      ),
      'TIME_ORDER',
    );
  });

  it.each<[string, Partial<DischargeInformation>]>([
    ['destination OTHER without detail', { destination: 'OTHER', destinationDetail: null }],
    ['an unknown destination', { destination: 'HOSPICE' as DischargeInformation['destination'] }],
    ['blank warning signs', { warningSigns: '' }],
    ['a blank summary', { summary: ' ' }],
    [
      'an unknown medication change',
      {
        medicationChanges: [
          { medication: 'Alvedon', change: 'PAUSED' as 'STOPPED', details: null },
        ],
      },
    ],
    [
      'a follow-up contact without unit',
      { followUpContacts: [{ unitName: '', contactName: null, phone: null, when: null }] },
    ],
    ['a home-care start that is not a date', { homeCareStartsOn: '9 mars' }],
    ['a blank assistive aid', { assistiveAids: [''] }],
  ])('refuses %s (INVALID_INPUT)', (_what, overrides) => {
    expectRefusal(
      decideOn(announcedCase(), (s) =>
        discharge(
          s,
          ACTOR.ward,
          { dischargedAt: now, information: dischargeInformation(overrides) },
          now,
        ),
      ),
      'INVALID_INPUT',
    );
  });

  it('refuses an invalid discharge time (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(announcedCase(), (s) =>
        discharge(
          s,
          ACTOR.ward,
          { dischargedAt: new Date(Number.NaN), information: dischargeInformation() },
          now,
        ),
      ),
      'INVALID_INPUT',
    );
  });
});

describe('renderDischargeInformation', () => {
  const caseRef = {
    reference: 'BR-2026-000123',
    wardName: 'Ortopedavdelning 12',
    dischargedAt: PLANNED_AT,
  };
  const patient = { name: 'Tolvan Tolvansson', personalIdentityNumber: '19121212-1212' };

  it('produces a Swedish HTML document with every section', () => {
    const html = renderDischargeInformation(dischargeInformation(), caseRef, patient);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('<meta charset="utf-8">');
    for (const heading of [
      '<h1>Information vid utskrivning</h1>',
      '<h2>Du skrivs ut till</h2>',
      '<h2>Sammanfattning av vårdtiden</h2>',
      '<h2>Ändringar i dina läkemedel</h2>',
      '<h2>Uppföljning och kontaktuppgifter</h2>',
      '<h2>Hemtjänst och hemsjukvård</h2>',
      '<h2>Hjälpmedel</h2>',
      '<h2>Sök vård om</h2>',
    ]) {
      expect(html).toContain(heading);
    }
    expect(html).toContain('Tolvan Tolvansson');
    expect(html).toContain('19121212-1212');
    expect(html).toContain('BR-2026-000123');
    expect(html).toContain('Hemmet');
    expect(html).toContain('<td>Alvedon 500 mg</td><td>Nytt</td>');
    expect(html).toContain('08-123 456');
    expect(html).toContain('Startar 9 mars 2026.');
  });

  it('shows the discharge time in Stockholm time', () => {
    const html = renderDischargeInformation(dischargeInformation(), caseRef, patient);
    expect(html).toContain('5 mars 2026 kl. 09:00'); // 08:00 UTC
  });

  it('is self-contained: no scripts and nothing fetched from elsewhere', () => {
    const html = renderDischargeInformation(dischargeInformation(), caseRef, patient);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(/i);
  });

  it('escapes every value', () => {
    const hostile = `<script>alert("x")</script> & 'Å'`;
    const html = renderDischargeInformation(
      dischargeInformation({
        summary: hostile,
        destination: 'OTHER',
        destinationDetail: hostile,
        medicationChanges: [{ medication: hostile, change: 'STOPPED', details: hostile }],
        followUpContacts: [
          { unitName: hostile, contactName: hostile, phone: hostile, when: hostile },
        ],
        assistiveAids: [hostile],
        warningSigns: hostile,
      }),
      { ...caseRef, reference: hostile, wardName: hostile },
      { name: hostile, personalIdentityNumber: hostile },
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain(`"x"`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Å&#39;');
  });

  it('says so when a section is empty', () => {
    const html = renderDischargeInformation(
      dischargeInformation({
        medicationChanges: [],
        followUpContacts: [],
        homeCareStartsOn: null,
        assistiveAids: [],
      }),
      caseRef,
      patient,
    );
    expect(html).toContain('Inga ändringar.');
    expect(html).toContain('Ingen uppföljning är planerad.');
    expect(html).toContain('Ingen hemtjänst eller hemsjukvård är planerad.');
    expect(html).toContain('Inga nya hjälpmedel.');
  });

  it('gives the same document for the same input', () => {
    const info = dischargeInformation();
    expect(renderDischargeInformation(info, caseRef, patient)).toBe(
      renderDischargeInformation(info, caseRef, patient),
    );
  });
});

describe('closeCase (avsluta ärendet)', () => {
  const now = hoursAfterAdmission(100);

  it('closes a discharged case with reason DISCHARGED', () => {
    const state = dischargedCase();
    const decision = expectValidDecision(
      state,
      decideOn(state, (s) => closeCase(s, ACTOR.ward, { reason: 'DISCHARGED' }, now)),
    );
    expect(decision.next).toMatchObject({
      status: 'CLOSED',
      closedAt: now,
      closeReason: 'DISCHARGED',
    });
    expect(decision.events[0]).toMatchObject({
      type: 'CASE_CLOSED',
      recipientUnitIds: [UNIT.socialServices, UNIT.healthCare, UNIT.primaryCare],
      payload: { reason: 'DISCHARGED', fromStatus: 'DISCHARGED' },
    });
  });

  it.each<[CloseReason, () => ReturnType<typeof openCase>]>([
    ['NO_SUPPORT_NEEDED', openCase],
    ['DECEASED', readyCase],
    ['TRANSFERRED_TO_OTHER_CARE', announcedCase],
    ['DECEASED', dischargedCase],
  ])('closes with %s from any open status', (reason, build) => {
    const state = build();
    const decision = expectValidDecision(state, closeCase(state, ACTOR.ward, { reason }, now));
    expect(decision.next.closeReason).toBe(reason);
  });

  it('refuses reason DISCHARGED before discharge (INVALID_STATE)', () => {
    const message = expectRefusal(
      decideOn(readyCase(), (s) => closeCase(s, ACTOR.ward, { reason: 'DISCHARGED' }, now)),
      'INVALID_STATE',
    );
    expect(message).toContain('READY_FOR_DISCHARGE');
  });

  it('refuses a closed case (INVALID_STATE)', () => {
    expectRefusal(
      decideOn(closedCase(), (s) => closeCase(s, ACTOR.ward, { reason: 'DECEASED' }, now)),
      'INVALID_STATE',
    );
  });

  it('refuses a unit that is not a party (NOT_A_PARTY)', () => {
    expectRefusal(
      decideOn(dischargedCase(), (s) =>
        closeCase(s, ACTOR.outsider, { reason: 'DISCHARGED' }, now),
      ),
      'NOT_A_PARTY',
    );
  });

  it('refuses any party but the ward (WRONG_PARTY)', () => {
    expectRefusal(
      decideOn(dischargedCase(), (s) =>
        closeCase(s, ACTOR.primaryCare, { reason: 'DISCHARGED' }, now),
      ),
      'WRONG_PARTY',
    );
  });

  it('refuses an unknown reason (INVALID_INPUT)', () => {
    expectRefusal(
      decideOn(dischargedCase(), (s) =>
        closeCase(s, ACTOR.ward, { reason: 'BORED' as CloseReason }, now),
      ),
      'INVALID_INPUT',
    );
  });
});
