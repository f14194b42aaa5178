import type { CaseCommand } from '../src/cases/case-service.js';
import {
  SAMPLE_DISCHARGE_INFORMATION,
  SAMPLE_PLANNING_BASIS,
} from '../src/db/seed/sample-content.js';
import * as commands from '../src/domain/case/commands.js';
import type { Actor, CaseState, Decision } from '../src/domain/case/model.js';
import type { Prng } from './seed-scale-prng.js';
import type { ScaleRegion } from './seed-scale-region.js';

/**
 * One case of the scale seed, decided by the real workflow commands of src/domain/case
 * (pure functions, no database), so its statuses, timestamps, event payloads, recipients
 * and care plans are exactly what the API would have produced. Only persistence differs:
 * the decisions are collected here and loaded with COPY (seed-scale-load.ts) instead of
 * one transaction per command, which would take hours at 100 000 cases.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A decision with the ids persistence would have given its event and rows. */
export interface StoredDecision {
  decision: Decision;
  eventId: string;
  sequence: number;
}

export interface SimulatedCase {
  id: string;
  reference: string;
  resident: number;
  state: CaseState;
  decisions: StoredDecision[];
  /** Ward, primary care and municipal units with the staff index acting for each. */
  createdAt: Date;
}

export interface CaseContext {
  region: ScaleRegion;
  /** No event happens at or after this instant: the end of the seeded year. */
  end: Date;
}

class Refused extends Error {}

/**
 * Runs the case from its admission notice as far as the year allows. `admittedAt` comes
 * in admission order, so `number` is also the order of the case reference sequence.
 */
export function simulateCase(
  ctx: CaseContext,
  prng: Prng,
  number: number,
  resident: number,
  admittedAt: Date,
): SimulatedCase {
  const { region } = ctx;
  const home = region.areas[region.residents[resident]!.area]!;
  const listedAt = region.residents[resident]!.listedAt;
  const psychiatric = prng.chance(0.08);
  const candidates = region.wards.filter(
    (w) => (region.units[w]!.kind === 'WARD_PSYCHIATRIC') === psychiatric,
  );
  const ward = prng.pick(candidates.length > 0 ? candidates : region.wards);
  const actorOf = (unit: number): Actor => {
    const u = region.units[unit]!;
    const person = region.staff[prng.pick(u.staff)]!;
    return {
      hsaId: person.hsaId,
      name: person.name,
      unitId: u.id,
      organizationId: u.organizationId,
    };
  };

  let clock = admittedAt.getTime() + prng.between(1, 20) * HOUR + prng.int(60) * MINUTE;
  if (prng.chance(0.08)) clock += prng.between(5, 30) * HOUR; // late admission notices
  const decisions: StoredDecision[] = [];
  let state: CaseState | null = null;
  const caseId = prng.uuid();
  const notice = clock;

  const record = (decision: Decision): void => {
    const eventId = prng.uuid();
    const next = decision.next;
    const last = next.events.at(-1)!;
    // Persistence replaces the domain's placeholder id with the stored one.
    next.events = [...next.events.slice(0, -1), { ...last, id: eventId }];
    decisions.push({ decision, eventId, sequence: last.sequence });
    state = next;
  };
  /** Advances the clock and runs a command; false once the year is over. */
  const run = <I>(
    after: number,
    actor: Actor,
    command: CaseCommand<I>,
    input: (now: Date) => I,
  ): boolean => {
    const at = clock + Math.max(MINUTE, Math.round(after));
    if (at >= ctx.end.getTime()) return false;
    clock = at;
    const now = new Date(clock);
    const decided = command(state!, actor, input(now), now);
    if (!decided.ok) throw new Refused(`${decided.error.code}: ${decided.error.message}`);
    record(decided.value);
    return true;
  };

  const wardActor = () => actorOf(ward);
  const social = home.social;
  const withHealth = prng.chance(0.45);
  const primaryCare = listedAt;
  const opened = commands.sendAdmissionNotice(
    wardActor(),
    {
      caseId,
      admittedAt,
      psychiatric,
      compulsoryCare:
        psychiatric && prng.chance(0.15) ? (prng.chance(0.8) ? 'OPT' : 'ORV') : 'NONE',
      wardUnitId: region.units[ward]!.id,
      municipalityParties: [
        { unitId: region.units[social]!.id, role: 'MUNICIPAL_SOCIAL_SERVICES' },
        ...(withHealth
          ? [{ unitId: region.units[home.health]!.id, role: 'MUNICIPAL_HEALTH_CARE' as const }]
          : []),
      ],
      primaryCareUnitId: primaryCare === null ? null : region.units[primaryCare]!.id,
      expectedNeeds: 'Hemtjänst och trygghetslarm bedöms behövas efter utskrivning.',
    },
    new Date(notice),
  );
  if (!opened.ok) throw new Refused(`${opened.error.code}: ${opened.error.message}`);
  record(opened.value);
  const admissionEventId = decisions[0]!.eventId;
  const reference = `BR-${new Date(notice).getUTCFullYear()}-${String(number).padStart(6, '0')}`;
  const finish = (): SimulatedCase => ({
    id: caseId,
    reference,
    resident,
    state: state!,
    decisions,
    createdAt: new Date(notice),
  });

  // Receivers acknowledge (kvittens) within hours, most of them.
  if (
    prng.chance(0.85) &&
    !run(prng.between(20, 480) * MINUTE, actorOf(social), commands.acknowledge, () => ({
      eventId: admissionEventId,
    }))
  )
    return finish();
  if (
    primaryCare !== null &&
    prng.chance(0.6) &&
    !run(prng.between(20, 600) * MINUTE, actorOf(primaryCare), commands.acknowledge, () => ({
      eventId: admissionEventId,
    }))
  )
    return finish();

  // A few cases end early: no support needed after all, or the patient died.
  const early = prng.float();
  if (early < 0.04) {
    run(
      prng.between(6, 72) * HOUR,
      wardActor(),
      commands.closeCase,
      (): commands.CloseCaseInput => ({
        reason: early < 0.008 ? 'DECEASED' : 'NO_SUPPORT_NEEDED',
      }),
    );
    return finish();
  }

  if (
    !run(
      prng.between(6, 48) * HOUR,
      wardActor(),
      commands.sendPlanningBasis,
      () => SAMPLE_PLANNING_BASIS,
    )
  )
    return finish();
  const contactUnit = primaryCare ?? ward;
  const contact = actorOf(contactUnit);
  if (
    !run(prng.between(2, 30) * HOUR, contact, commands.appointFixedCareContact, () => ({
      name:
        primaryCare !== null
          ? `Distriktssköterska ${contact.name}`
          : `Sjuksköterska ${contact.name}`,
      hsaId: contact.hsaId,
      unitId: contact.unitId,
    }))
  )
    return finish();
  if (
    prng.chance(0.9) &&
    !run(
      prng.between(1, 24) * HOUR,
      wardActor(),
      commands.recordConsent,
      (): commands.RecordConsentInput => ({
        consent: prng.chance(0.96) ? 'GIVEN' : 'DECLINED',
        note: null,
      }),
    )
  )
    return finish();
  if (prng.chance(0.3)) {
    const locked = prng.chance(0.25);
    if (
      !run(prng.between(1, 48) * HOUR, actorOf(social), commands.addNote, () => ({
        noteId: prng.uuid(),
        text: locked
          ? 'Intern anteckning: anhörig har hört av sig om boendesituationen.'
          : 'Biståndsbeslut om hemtjänst fattat, start dagen efter hemgång.',
        lockedToOrganization: locked,
      }))
    )
      return finish();
  }

  // Ready for discharge after days of care; now and then withdrawn and notified again.
  const readyAfter = (psychiatric ? prng.between(5, 25) : prng.between(2, 12)) * DAY;
  const readyAt = Math.max(clock + HOUR, admittedAt.getTime() + readyAfter);
  if (
    !run(readyAt - clock, wardActor(), commands.notifyReadyForDischarge, (now) => ({
      readyAt: now,
    }))
  )
    return finish();
  if (prng.chance(0.08)) {
    if (
      !run(prng.between(6, 48) * HOUR, wardActor(), commands.withdrawReadyForDischarge, () => ({
        reason: 'Ny infektion, behandlas på avdelningen.',
      }))
    )
      return finish();
    if (
      !run(prng.between(1, 4) * DAY, wardActor(), commands.notifyReadyForDischarge, (now) => ({
        readyAt: now,
      }))
    )
      return finish();
  }
  const unitIds = state!.parties.filter((p) => p.leftAt === null).map((p) => p.unitId);
  if (
    !run(prng.between(1, 60) * HOUR, contact, commands.callToSip, (now) => ({
      meetingAt: new Date(now.getTime() + prng.between(20, 60) * HOUR),
      participantUnitIds: unitIds,
      message: 'Välkomna till samordnad individuell planering.',
    }))
  )
    return finish();
  const carePlanId = prng.uuid();
  const socialUnitId = region.units[social]!.id;
  const items = [
    { responsibleUnitId: socialUnitId, action: 'Hemtjänst morgon och kväll', dueOn: null },
    { responsibleUnitId: contact.unitId, action: 'Uppföljande hembesök', dueOn: null },
  ];
  const participants = [
    { name: 'Patienten', role: 'Patient', unitId: null },
    { name: actorOf(social).name, role: 'Biståndshandläggare', unitId: socialUnitId },
  ];
  if (
    !run(
      prng.between(20, 60) * HOUR,
      contact,
      commands.createCarePlan,
      (): commands.CreateCarePlanInput => ({
        carePlanId,
        kind: prng.chance(0.7) ? 'SIP' : 'SIMPLIFIED_CARE_PLAN',
        summary: 'Hemgång med hemtjänst och hemsjukvård.',
        items,
        participants,
        followUpOn: null,
        status: 'DRAFT',
      }),
    )
  )
    return finish();
  if (
    prng.chance(0.6) &&
    !run(
      prng.between(1, 20) * HOUR,
      contact,
      commands.reviseCarePlan,
      (): commands.ReviseCarePlanInput => ({
        carePlanId,
        expectedVersion: 1,
        summary: 'Hemgång med hemtjänst och hemsjukvård. Överenskommen vid planeringen.',
        items: [
          ...items,
          {
            responsibleUnitId: region.units[ward]!.id,
            action: 'Läkemedelslista skickas med',
            dueOn: null,
          },
        ],
        participants,
        followUpOn: null,
        status: 'AGREED',
      }),
    )
  )
    return finish();
  if (
    !run(prng.between(1, 30) * HOUR, wardActor(), commands.announceDischarge, (now) => ({
      plannedAt: new Date(now.getTime() + prng.between(4, 30) * HOUR),
    }))
  )
    return finish();
  const planned = state!.plannedDischargeAt!.getTime();
  if (
    !run(Math.max(MINUTE, planned - clock), wardActor(), commands.discharge, (now) => ({
      dischargedAt: now,
      information: SAMPLE_DISCHARGE_INFORMATION,
    }))
  )
    return finish();
  run(
    prng.between(1, 10) * DAY,
    wardActor(),
    commands.closeCase,
    (): commands.CloseCaseInput => ({ reason: 'DISCHARGED' }),
  );
  return finish();
}
