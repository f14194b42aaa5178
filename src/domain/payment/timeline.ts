/**
 * Reads a case's event list (händelselista) as the payment rules need it: which notices
 * the municipality received, when the patient was ready for discharge, when that status
 * was withdrawn, when the patient declined support, and when the stay ended. The event
 * list is the legal basis of an invoice, so every day charged later names the events read
 * here, and a list that cannot be read as one stay is refused with an error that names
 * the events to correct instead of being guessed at.
 *
 * Conventions for payloads, fixed here because the calculation depends on them:
 * - MESSAGE_ANNULLED (makulering) names the event it annuls in `payload.eventId` (src/domain/case/payloads.ts).
 *   An annulled event is treated as never sent.
 * - "Patient declined support" is a CONSENT_RECORDED event with `payload.supportDeclined`:
 *   true from the moment the patient declines municipal support after discharge, false
 *   when they accept it again. A dedicated flag rather than `consent: 'DECLINED'`, because
 *   consent (samtycke) in this system is about sharing data between principals, and a
 *   patient may refuse that yet still want support, or the other way round. A
 *   CONSENT_RECORDED event without the flag says nothing about support.
 */

import { stockholmDate, stockholmTimeOfDay } from '../calendar.js';
import type { CaseEventType } from '../case/model.js';
import type { MessageAnnulledPayload } from '../case/payloads.js';
import { fail, ok, type PaymentResult } from './errors.js';

export const ANNULLED_EVENT_ID = 'eventId' satisfies keyof MessageAnnulledPayload;
export const SUPPORT_DECLINED = 'supportDeclined';

export interface TimelineEvent {
  id: string;
  type: CaseEventType;
  occurredAt: Date;
  payload: Readonly<Record<string, unknown>>;
}

/** One inpatient stay as the payment rules see it. */
export interface CaseTimeline {
  caseId: string;
  /** The region whose inpatient care the patient is in. */
  regionId: string;
  /** The municipality (or Stockholm district) responsible for the patient. */
  municipalityId: string;
  /** Psychiatric 24-hour care, which has its own free days in individual agreements. */
  psychiatric: boolean;
  /**
   * Bound for compulsory outpatient care (ÖPT/ÖRV under LPT/LRV), which an agreement may
   * price on its own. Absent: no.
   */
  compulsoryCare?: boolean;
  admittedAt: Date;
  /** Must agree with the first non-annulled ADMISSION_NOTICE_SENT event. */
  admissionNoticeAt: Date | null;
  /** Must agree with the non-annulled DISCHARGED event. */
  dischargedAt: Date | null;
  /** The whole event list of the case, in any order; annulments included. */
  events: readonly TimelineEvent[];
}

export type ReadyPeriodEnd =
  | { kind: 'WITHDRAWN'; event: TimelineEvent }
  | { kind: 'DISCHARGED'; event: TimelineEvent };

/** From a ready notice until its withdrawal, the discharge, or (null) still running. */
export interface ReadyPeriod {
  notice: TimelineEvent;
  end: ReadyPeriodEnd | null;
}

/** The patient declined municipal support from `declined` until `accepted` (if ever). */
export interface SupportDeclinedSpan {
  declined: TimelineEvent;
  accepted: TimelineEvent | null;
}

export interface StayEvents {
  admissionNotice: TimelineEvent | null;
  /** In time order; they never overlap. */
  readyPeriods: ReadyPeriod[];
  discharge: TimelineEvent | null;
  supportDeclined: SupportDeclinedSpan[];
  /** The first call to coordinated planning (kallelse till SIP), for the statistics. */
  sipCall: TimelineEvent | null;
}

/** A Stockholm wall-clock reading of an instant, for messages people act on. */
export function describeInstant(instant: Date): string {
  return `${stockholmDate(instant)} ${stockholmTimeOfDay(instant)}`;
}

function describeEvent(event: TimelineEvent): string {
  return `event ${event.id} (${event.type} at ${describeInstant(event.occurredAt)})`;
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function annulledIds(timeline: CaseTimeline): PaymentResult<Set<string>> {
  const byId = new Map(timeline.events.map((event) => [event.id, event]));
  const annulled = new Set<string>();
  for (const event of timeline.events) {
    if (event.type !== 'MESSAGE_ANNULLED') continue;
    const target = event.payload[ANNULLED_EVENT_ID];
    if (typeof target !== 'string') {
      return fail(
        'INVALID_TIMELINE',
        `${describeEvent(event)} does not name the annulled event in payload.${ANNULLED_EVENT_ID}`,
      );
    }
    const annulledEvent = byId.get(target);
    if (annulledEvent === undefined) {
      return fail(
        'INVALID_TIMELINE',
        `${describeEvent(event)} annuls event ${target}, which is not in case ${timeline.caseId}'s event list`,
      );
    }
    if (annulledEvent.type === 'MESSAGE_ANNULLED') {
      return fail(
        'INVALID_TIMELINE',
        `${describeEvent(event)} annuls another annulment (${target}); an annulment cannot be undone, send the message again instead`,
      );
    }
    annulled.add(target);
  }
  return ok(annulled);
}

function outOfOrder<T>(message: string): PaymentResult<T> {
  return fail('EVENTS_OUT_OF_ORDER', message);
}

/**
 * Reads the stay from the event list. Annulled events are left out; the rest are taken in
 * time order (the list order breaks ties). Refused as EVENTS_OUT_OF_ORDER: a notice,
 * withdrawal or discharge before the admission, a second ready notice while one is
 * active, a withdrawal without an active ready notice, anything after the discharge, and
 * a second discharge. Refused as INVALID_TIMELINE: the case's admissionNoticeAt or
 * dischargedAt disagreeing with the events, or a malformed annulment or support flag.
 */
export function readTimeline(timeline: CaseTimeline): PaymentResult<StayEvents> {
  const annulled = annulledIds(timeline);
  if (!annulled.ok) return annulled;

  const events = timeline.events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => !annulled.value.has(event.id) && event.type !== 'MESSAGE_ANNULLED')
    .sort(
      (a, b) => a.event.occurredAt.getTime() - b.event.occurredAt.getTime() || a.index - b.index,
    )
    .map(({ event }) => event);

  const stay: StayEvents = {
    admissionNotice: null,
    readyPeriods: [],
    discharge: null,
    supportDeclined: [],
    sipCall: null,
  };
  let active: ReadyPeriod | null = null;
  const admission = describeInstant(timeline.admittedAt);

  for (const event of events) {
    const beforeAdmission = event.occurredAt.getTime() < timeline.admittedAt.getTime();
    switch (event.type) {
      case 'ADMISSION_NOTICE_SENT':
        if (beforeAdmission) {
          return outOfOrder(
            `${describeEvent(event)} is before the admission at ${admission}; correct the admission time or annul the notice`,
          );
        }
        stay.admissionNotice ??= event;
        break;
      case 'READY_FOR_DISCHARGE_NOTIFIED':
        if (beforeAdmission) {
          return outOfOrder(
            `${describeEvent(event)} is before the admission at ${admission}; correct the admission time or annul the ready notice`,
          );
        }
        if (stay.discharge !== null) {
          return outOfOrder(
            `${describeEvent(event)} comes after the discharge, ${describeEvent(stay.discharge)}; annul the one that is wrong`,
          );
        }
        if (active !== null) {
          return outOfOrder(
            `${describeEvent(event)} comes while ${describeEvent(active.notice)} is still active; withdraw (avbrott) or annul the earlier ready notice first`,
          );
        }
        active = { notice: event, end: null };
        stay.readyPeriods.push(active);
        break;
      case 'READY_FOR_DISCHARGE_WITHDRAWN':
        if (stay.discharge !== null) {
          return outOfOrder(
            `${describeEvent(event)} comes after the discharge, ${describeEvent(stay.discharge)}; annul the one that is wrong`,
          );
        }
        if (active === null) {
          return outOfOrder(
            `${describeEvent(event)} withdraws a ready status that is not active: no ready notice precedes it since the last withdrawal; annul the withdrawal or record the ready notice`,
          );
        }
        active.end = { kind: 'WITHDRAWN', event };
        active = null;
        break;
      case 'DISCHARGED':
        if (beforeAdmission) {
          return outOfOrder(
            `${describeEvent(event)} is before the admission at ${admission}; correct the admission or discharge time`,
          );
        }
        if (stay.discharge !== null) {
          return outOfOrder(
            `${describeEvent(event)} is a second discharge after ${describeEvent(stay.discharge)}; annul one of them`,
          );
        }
        stay.discharge = event;
        if (active !== null) {
          active.end = { kind: 'DISCHARGED', event };
          active = null;
        }
        break;
      case 'CONSENT_RECORDED': {
        const flag = event.payload[SUPPORT_DECLINED];
        if (flag === undefined) break;
        if (typeof flag !== 'boolean') {
          return fail(
            'INVALID_TIMELINE',
            `${describeEvent(event)} has payload.${SUPPORT_DECLINED} = ${JSON.stringify(flag)}; it must be true or false`,
          );
        }
        const open = stay.supportDeclined.at(-1);
        const declining = open !== undefined && open.accepted === null;
        if (flag && !declining) stay.supportDeclined.push({ declined: event, accepted: null });
        if (!flag && declining) open.accepted = event;
        break;
      }
      case 'SIP_CALLED':
        stay.sipCall ??= event;
        break;
      default:
        break;
    }
  }

  const noticeAt = stay.admissionNotice?.occurredAt ?? null;
  if (!sameInstant(noticeAt, timeline.admissionNoticeAt)) {
    return fail(
      'INVALID_TIMELINE',
      `case ${timeline.caseId} has admissionNoticeAt ${timeline.admissionNoticeAt === null ? 'empty' : describeInstant(timeline.admissionNoticeAt)} ` +
        `but its event list ${stay.admissionNotice === null ? 'has no admission notice' : `has ${describeEvent(stay.admissionNotice)}`}; the case record must follow the event list`,
    );
  }
  const dischargedAt = stay.discharge?.occurredAt ?? null;
  if (!sameInstant(dischargedAt, timeline.dischargedAt)) {
    return fail(
      'INVALID_TIMELINE',
      `case ${timeline.caseId} has dischargedAt ${timeline.dischargedAt === null ? 'empty' : describeInstant(timeline.dischargedAt)} ` +
        `but its event list ${stay.discharge === null ? 'has no discharge' : `has ${describeEvent(stay.discharge)}`}; the case record must follow the event list`,
    );
  }
  return ok(stay);
}
