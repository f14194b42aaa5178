import { describe, expect, it } from 'vitest';
import {
  acknowledgementDeadline,
  caseDeadlines,
} from '../../../src/domain/deadlines/case-deadlines.js';
import {
  acknowledgementDue,
  admissionNoticeDue,
  type DeadlineRules,
  dischargeInformationDue,
  isLate,
  planningBasisDue,
  rulesFor,
  STATUTORY_DEADLINES,
  sipCallDue,
} from '../../../src/domain/deadlines/rules.js';

/**
 * Due times computed by hand on the Stockholm calendar. CET is UTC+1, CEST UTC+2; in 2026
 * summer time starts on 29 March and ends on 25 October.
 */
const law = STATUTORY_DEADLINES;
const at = (iso: string) => new Date(iso);
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

describe('admission notice: 24 hours of the admission', () => {
  it('is 24 real hours across the spring DST switch (13:00 CEST for a 12:00 CET admission)', () => {
    const due = admissionNoticeDue(law, at('2026-03-28T11:00:00Z'));
    expect(due.toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(isLate(due, due, due)).toBe(false);
    expect(isLate(due, ms(due, 1), ms(due, 1))).toBe(true);
  });
  it('is 24 real hours across the autumn switch', () => {
    expect(admissionNoticeDue(law, at('2026-10-24T22:30:00Z')).toISOString()).toBe(
      '2026-10-25T22:30:00.000Z',
    );
  });
  it('an open step is overdue only once now is past the due time', () => {
    const due = admissionNoticeDue(law, at('2026-01-10T08:00:00Z'));
    expect(isLate(due, null, due)).toBe(false);
    expect(isLate(due, null, ms(due, 1))).toBe(true);
    expect(isLate(null, null, at('2100-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('acknowledgement: by the end of the next Swedish working day', () => {
  it('Friday afternoon: the end of Monday', () => {
    expect(acknowledgementDue(law, at('2026-12-04T14:00:00Z')).toISOString()).toBe(
      '2026-12-07T22:59:59.999Z',
    );
  });
  it('Saturday: the first working day is Monday, the next is Tuesday', () => {
    expect(acknowledgementDue(law, at('2026-12-05T10:00:00Z')).toISOString()).toBe(
      '2026-12-08T22:59:59.999Z',
    );
  });
  it('a message at 00:30 on a Monday in Stockholm (still Sunday in UTC) counts from Monday', () => {
    expect(acknowledgementDue(law, at('2026-12-06T23:30:00Z')).toISOString()).toBe(
      '2026-12-08T22:59:59.999Z',
    );
  });
  it('at the month end before May Day and a weekend: the end of Monday 4 May (CEST)', () => {
    expect(acknowledgementDue(law, at('2026-04-30T08:00:00Z')).toISOString()).toBe(
      '2026-05-04T21:59:59.999Z',
    );
  });
  it('over Christmas: 23 Dec → Christmas Eve, Christmas, Boxing Day and the weekend skipped', () => {
    // 24 Dec (julafton, Thursday), 25 (Friday), 26 (Saturday), 27 (Sunday): Monday 28 Dec.
    expect(acknowledgementDue(law, at('2026-12-23T09:00:00Z')).toISOString()).toBe(
      '2026-12-28T22:59:59.999Z',
    );
  });
  it('a region with same-day receipts: the end of the arrival day', () => {
    const sameDay: DeadlineRules = { ...law, id: 'r', acknowledgementWorkingDays: 0 };
    expect(acknowledgementDue(sameDay, at('2026-06-10T06:00:00Z')).toISOString()).toBe(
      '2026-06-10T21:59:59.999Z',
    );
  });
});

describe('call to SIP: by the end of the 3rd calendar day after the ready notice', () => {
  it('ready on the Friday before the spring switch: the end of Monday in CEST', () => {
    expect(sipCallDue(law, at('2026-03-27T09:00:00Z')).toISOString()).toBe(
      '2026-03-30T21:59:59.999Z',
    );
  });
  it('ready on the Friday before the autumn switch: the end of Monday in CET', () => {
    expect(sipCallDue(law, at('2026-10-23T09:00:00Z')).toISOString()).toBe(
      '2026-10-26T22:59:59.999Z',
    );
  });
  it('counts calendar days across a month end and weekends', () => {
    expect(sipCallDue(law, at('2026-01-30T15:00:00Z')).toISOString()).toBe(
      '2026-02-02T22:59:59.999Z',
    );
  });
  it('a ready notice at 23:30 Stockholm time counts from that Stockholm day, not the UTC one', () => {
    // 2026-02-27 23:30 CET is 22:30 UTC the same day; 2026-02-28 00:30 CET is 23:30 UTC on the 27th.
    expect(sipCallDue(law, at('2026-02-27T23:30:00Z')).toISOString()).toBe(
      '2026-03-03T22:59:59.999Z',
    );
  });
});

describe('planning basis and discharge information', () => {
  it('planning basis: 48 hours of the admission notice', () => {
    expect(planningBasisDue(law, at('2026-03-28T10:00:00Z')).toISOString()).toBe(
      '2026-03-30T10:00:00.000Z',
    );
  });
  it('discharge information: no later than the end of the discharge day', () => {
    expect(dischargeInformationDue(at('2026-07-01T08:00:00Z')).toISOString()).toBe(
      '2026-07-01T21:59:59.999Z',
    );
  });
});

describe('versions', () => {
  const regional: DeadlineRules = {
    ...law,
    id: 'stockholm-2026',
    regionId: 'region-1',
    validFrom: at('2026-06-01T00:00:00+02:00'),
    admissionNoticeHours: 12,
  };
  const versions = [law, regional];
  it("a region's routine applies from its validFrom; before it, the law's", () => {
    expect(rulesFor(versions, 'region-1', at('2026-05-31T21:59:59Z'))?.id).toBe(law.id);
    expect(rulesFor(versions, 'region-1', at('2026-05-31T22:00:00Z'))?.id).toBe(regional.id);
  });
  it("another region, or a case without a ward, has the law's", () => {
    expect(rulesFor(versions, 'region-2', at('2026-07-01T00:00:00Z'))?.id).toBe(law.id);
    expect(rulesFor(versions, null, at('2026-07-01T00:00:00Z'))?.id).toBe(law.id);
  });
  it('no version in force (before the law): no deadline, never late', () => {
    expect(rulesFor(versions, null, at('2017-06-01T00:00:00Z'))).toBeNull();
    const d = acknowledgementDeadline(
      versions,
      null,
      at('2017-06-01T00:00:00Z'),
      null,
      at('2026-01-01T00:00:00Z'),
    );
    expect(d).toMatchObject({ dueAt: null, late: false });
  });
});

describe('caseDeadlines: what each unit owes', () => {
  const ward = 'ward';
  const vc = 'vc';
  const soc = 'soc';
  const base = {
    regionId: null,
    admittedAt: at('2026-03-26T08:00:00Z'),
    admissionNoticeAt: at('2026-03-26T10:00:00Z'),
    planningBasisAt: null,
    readyForDischargeAt: at('2026-03-27T09:00:00Z'),
    readyWithdrawnAt: null,
    sipCalledAt: null,
    plannedDischargeAt: null,
    dischargedAt: null,
    fixedCareContactAppointedAt: null,
    fixedCareContactUnitId: null,
    parties: [
      { unitId: ward, role: 'WARD' as const },
      { unitId: vc, role: 'PRIMARY_CARE' as const },
      { unitId: soc, role: 'MUNICIPAL_SOCIAL_SERVICES' as const },
    ],
  };
  it('ready, no SIP call: primary care owes it, due the end of Monday; the ward owes the planning basis', () => {
    const now = at('2026-03-30T21:59:59.999Z');
    const list = caseDeadlines({ ...base, status: 'READY_FOR_DISCHARGE' }, [law], now);
    const sip = list.find((d) => d.step === 'SIP_CALL')!;
    expect(sip).toMatchObject({ owedBy: [vc], late: false });
    expect(sip.dueAt?.toISOString()).toBe('2026-03-30T21:59:59.999Z');
    const later = caseDeadlines({ ...base, status: 'READY_FOR_DISCHARGE' }, [law], ms(now, 1));
    expect(later.find((d) => d.step === 'SIP_CALL')?.late).toBe(true);
    expect(list.find((d) => d.step === 'PLANNING_BASIS')).toMatchObject({
      owedBy: [ward],
      late: true,
    });
    expect(list.find((d) => d.step === 'ADMISSION_NOTICE')).toMatchObject({
      owedBy: [],
      late: false,
    });
    expect(list.some((d) => d.owedBy.includes(soc))).toBe(false);
  });
  it('the fixed care contact’s unit calls to SIP once appointed; a withdrawn ready notice stops the clock', () => {
    const appointed = caseDeadlines(
      {
        ...base,
        status: 'READY_FOR_DISCHARGE',
        fixedCareContactAppointedAt: base.admissionNoticeAt,
        fixedCareContactUnitId: 'other',
      },
      [law],
      base.readyForDischargeAt,
    );
    expect(appointed.find((d) => d.step === 'SIP_CALL')?.owedBy).toEqual(['other']);
    const withdrawn = caseDeadlines(
      { ...base, status: 'PLANNING', readyWithdrawnAt: at('2026-03-28T09:00:00Z') },
      [law],
      at('2026-04-10T00:00:00Z'),
    );
    expect(withdrawn.some((d) => d.step === 'SIP_CALL')).toBe(false);
  });
  it('a discharged case owes nothing, but keeps what was late', () => {
    const done = caseDeadlines(
      {
        ...base,
        status: 'DISCHARGED',
        dischargedAt: at('2026-04-02T10:00:00Z'),
        sipCalledAt: at('2026-03-31T08:00:00Z'),
      },
      [law],
      at('2026-05-01T00:00:00Z'),
    );
    expect(done.every((d) => d.owedBy.length === 0)).toBe(true);
    expect(done.find((d) => d.step === 'SIP_CALL')?.late).toBe(true);
    expect(done.find((d) => d.step === 'DISCHARGE_INFORMATION')).toMatchObject({ late: false });
  });
});
