/**
 * Builders for the payment tests: stays written as readable lines of the event list, and
 * the agreements of the worked examples. Times are Stockholm wall-clock times, as a ward
 * would read them.
 */

import { stockholmInstant } from '../../../src/domain/calendar.js';
import type { CaseEventType } from '../../../src/domain/case/model.js';
import { type PaymentAgreement, parseAgreement } from '../../../src/domain/payment/agreement.js';
import {
  ANNULLED_EVENT_ID,
  type CaseTimeline,
  SUPPORT_DECLINED,
  type TimelineEvent,
} from '../../../src/domain/payment/timeline.js';

export const REGION = 'region-stockholm';
export const MUNICIPALITY = 'kommun-solna';

/** A Stockholm wall-clock instant: at('2022-03-07 10:15'). */
export function at(dateTime: string): Date {
  const [date, time] = dateTime.split(' ');
  return stockholmInstant(date ?? '', time ?? '00:00');
}

const WORDS: Record<string, { type: CaseEventType; payload?: Record<string, unknown> }> = {
  notice: { type: 'ADMISSION_NOTICE_SENT' },
  ready: { type: 'READY_FOR_DISCHARGE_NOTIFIED' },
  withdrawn: { type: 'READY_FOR_DISCHARGE_WITHDRAWN' },
  discharged: { type: 'DISCHARGED' },
  declined: { type: 'CONSENT_RECORDED', payload: { [SUPPORT_DECLINED]: true } },
  accepted: { type: 'CONSENT_RECORDED', payload: { [SUPPORT_DECLINED]: false } },
  sip: { type: 'SIP_CALLED' },
};

export interface StayOptions {
  caseId?: string;
  psychiatric?: boolean;
  municipalityId?: string;
}

/**
 * A case timeline from lines such as 'admitted 2022-03-06 08:00', 'ready 2022-03-07 10:15'
 * or 'annul e3 2022-03-08 09:00'. Events get ids e1, e2 … in line order ('admitted' is
 * the admission itself, not an event). admissionNoticeAt and dischargedAt are derived
 * from the non-annulled events, as the case record would be.
 */
export function stayOf(lines: readonly string[], options: StayOptions = {}): CaseTimeline {
  let admittedAt: Date | null = null;
  const events: TimelineEvent[] = [];
  for (const line of lines) {
    const [word = '', ...rest] = line.split(' ');
    if (word === 'admitted') {
      admittedAt = at(rest.join(' '));
      continue;
    }
    const id = `e${events.length + 1}`;
    if (word === 'annul') {
      const [target, ...time] = rest;
      events.push({
        id,
        type: 'MESSAGE_ANNULLED',
        occurredAt: at(time.join(' ')),
        payload: { [ANNULLED_EVENT_ID]: target },
      });
      continue;
    }
    const known = WORDS[word];
    if (known === undefined) throw new Error(`unknown event word '${word}' in '${line}'`);
    events.push({
      id,
      type: known.type,
      occurredAt: at(rest.join(' ')),
      payload: known.payload ?? {},
    });
  }
  if (admittedAt === null) throw new Error('a stay needs an "admitted" line');
  return timelineOf(admittedAt, events, options);
}

export function timelineOf(
  admittedAt: Date,
  events: TimelineEvent[],
  options: StayOptions = {},
): CaseTimeline {
  const annulled = new Set(
    events
      .filter((e) => e.type === 'MESSAGE_ANNULLED')
      .map((e) => String(e.payload[ANNULLED_EVENT_ID])),
  );
  const live = events
    .filter((e) => !annulled.has(e.id))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return {
    caseId: options.caseId ?? 'case-1',
    regionId: REGION,
    municipalityId: options.municipalityId ?? MUNICIPALITY,
    psychiatric: options.psychiatric ?? false,
    admittedAt,
    admissionNoticeAt: live.find((e) => e.type === 'ADMISSION_NOTICE_SENT')?.occurredAt ?? null,
    dischargedAt: live.find((e) => e.type === 'DISCHARGED')?.occurredAt ?? null,
    events,
  };
}

/** Parses an agreement literal, failing the test on a configuration error. */
export function agreement(input: Record<string, unknown>): PaymentAgreement {
  const parsed = parseAgreement({
    regionId: REGION,
    municipalityId: null,
    validFrom: '2018-01-01',
    validTo: null,
    prices: [
      { year: 2019, pricePerDay: 7800 },
      { year: 2022, pricePerDay: 9300 },
    ],
    ...input,
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** Lag 2017:612 when nothing is agreed; Socialstyrelsen's prices 7 800 (2019), 9 300 (2022). */
export const statutoryDefault = agreement({
  id: 'lag-2017-612',
  name: 'Lag 2017:612 default',
  model: 'STATUTORY_DEFAULT',
});

export const stockholmParameters = {
  freeDays: { somatic: 2, psychiatric: 5 },
  dayZeroCounts: true,
  noticeCutoff: '12:00',
  dischargeDayCounts: false,
  exclusions: {
    lateAdmissionNotice: { maxHoursAfterAdmission: 24 },
    readyWithdrawn: true,
    supportDeclined: true,
  },
};

/** Stockholm's individual routine: 2 (somatic) / 5 (psychiatric) days incl. day 0, noon cut-off. */
export const stockholmIndividual = agreement({
  id: 'sthlm-individual',
  name: 'Stockholm individual routine',
  model: 'INDIVIDUAL',
  parameters: stockholmParameters,
});
