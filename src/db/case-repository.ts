import { randomUUID } from 'node:crypto';
import type {
  CarePlanStatus,
  CaseState,
  Decision,
  EventSummary,
  NewCaseEvent,
  Party,
} from '../domain/case/model.js';
import type {
  CarePlanPublicationWithdrawnPayload,
  CarePlanPublishedPayload,
} from '../domain/case/payloads.js';
import type { Prisma, PrismaClient } from './generated/prisma/client.js';

/**
 * Loads a case as the workflow sees it and writes a workflow decision, all in the caller's
 * transaction. The case row's `version` guards every write: a decision made on version n
 * is written only if the row still has version n, so two commands racing on one case
 * cannot both succeed (the loser gets ConcurrentModificationError and nothing of it is
 * written).
 */

export type Tx = Prisma.TransactionClient | PrismaClient;

export class ConcurrentModificationError extends Error {
  constructor(
    readonly caseId: string,
    readonly expectedVersion: number,
  ) {
    super(`case ${caseId} was changed by someone else since version ${expectedVersion}`);
  }
}

const ANNULMENT = 'MESSAGE_ANNULLED';

export async function loadCaseState(tx: Tx, caseId: string): Promise<CaseState | null> {
  const row = await tx.case.findUnique({
    where: { id: caseId },
    include: {
      parties: { orderBy: { joinedAt: 'asc' } },
      events: {
        orderBy: { sequence: 'asc' },
        select: {
          id: true,
          sequence: true,
          type: true,
          authorUnitId: true,
          occurredAt: true,
          payload: true,
          recipients: { select: { unitId: true } },
          acknowledgements: { select: { unitId: true } },
        },
      },
      carePlans: {
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          kind: true,
          versions: {
            orderBy: { version: 'desc' },
            select: { version: true, status: true },
          },
        },
      },
    },
  });
  if (!row) return null;
  const annulled = new Set(
    row.events
      .filter((e) => e.type === ANNULMENT)
      .map((e) => (e.payload as { eventId?: string }).eventId)
      .filter((id): id is string => typeof id === 'string'),
  );
  const published = publishedVersions(row.events);
  const events: EventSummary[] = row.events.map((e) => ({
    id: e.id,
    sequence: e.sequence,
    type: e.type,
    authorUnitId: e.authorUnitId,
    occurredAt: e.occurredAt,
    recipientUnitIds: e.recipients.map((r) => r.unitId),
    acknowledgedByUnitIds: e.acknowledgements.map((a) => a.unitId),
    annulled: annulled.has(e.id),
  }));
  return {
    id: row.id,
    status: row.status,
    psychiatric: row.psychiatric,
    compulsoryCare: row.compulsoryCare,
    consent: row.consent,
    parties: row.parties.map((p) => ({
      unitId: p.unitId,
      role: p.role,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
    })),
    fixedCareContact:
      row.fixedCareContactName && row.fixedCareContactUnitId
        ? {
            name: row.fixedCareContactName,
            hsaId: row.fixedCareContactHsaId,
            unitId: row.fixedCareContactUnitId,
          }
        : null,
    admittedAt: row.admittedAt,
    admissionNoticeAt: row.admissionNoticeAt,
    planningBasisAt: row.planningBasisAt,
    readyForDischargeAt: row.readyForDischargeAt,
    readyWithdrawnAt: row.readyWithdrawnAt,
    sipCalledAt: row.sipCalledAt,
    sipMeetingAt: row.sipMeetingAt,
    plannedDischargeAt: row.plannedDischargeAt,
    dischargedAt: row.dischargedAt,
    closedAt: row.closedAt,
    closeReason: row.closeReason,
    version: row.version,
    events,
    carePlans: row.carePlans.map((p) => ({
      id: p.id,
      kind: p.kind,
      latestVersion: p.versions[0]?.version ?? 0,
      status: (p.versions[0]?.status ?? 'DRAFT') as CarePlanStatus,
      versionStatuses: Object.fromEntries(p.versions.map((v) => [v.version, v.status])),
      publishedVersion: published.get(p.id) ?? null,
    })),
  };
}

/**
 * The version of each care plan that stands published to the patient, from the event list
 * in order: a publication sets it, a withdrawal clears it (src/patient-portal reads the
 * same events).
 */
export function publishedVersions(
  events: readonly { type: string; payload: unknown }[],
): Map<string, number | null> {
  const published = new Map<string, number | null>();
  for (const event of events) {
    if (event.type === 'CARE_PLAN_PUBLISHED_TO_PATIENT') {
      const payload = event.payload as CarePlanPublishedPayload;
      published.set(payload.carePlanId, payload.version);
    } else if (event.type === 'CARE_PLAN_PUBLICATION_WITHDRAWN') {
      const payload = event.payload as CarePlanPublicationWithdrawnPayload;
      published.set(payload.carePlanId, null);
    }
  }
  return published;
}

function caseColumns(state: CaseState) {
  return {
    status: state.status,
    psychiatric: state.psychiatric,
    compulsoryCare: state.compulsoryCare,
    consent: state.consent,
    fixedCareContactName: state.fixedCareContact?.name ?? null,
    fixedCareContactHsaId: state.fixedCareContact?.hsaId ?? null,
    fixedCareContactUnitId: state.fixedCareContact?.unitId ?? null,
    admittedAt: state.admittedAt,
    admissionNoticeAt: state.admissionNoticeAt,
    planningBasisAt: state.planningBasisAt,
    readyForDischargeAt: state.readyForDischargeAt,
    readyWithdrawnAt: state.readyWithdrawnAt,
    sipCalledAt: state.sipCalledAt,
    sipMeetingAt: state.sipMeetingAt,
    plannedDischargeAt: state.plannedDischargeAt,
    dischargedAt: state.dischargedAt,
    closedAt: state.closedAt,
    closeReason: state.closeReason,
    version: state.version,
  };
}

/** Creates a case opened by its admission notice. */
export async function insertOpenedCase(
  tx: Tx,
  decision: Decision,
  patientId: string,
  reference: string,
): Promise<string[]> {
  const state = decision.next;
  await tx.case.create({
    data: { id: state.id, reference, patientId, ...caseColumns(state) },
  });
  await insertParties(tx, state.id, state.parties);
  return writeDecisionRows(tx, state.id, 0, decision);
}

/**
 * Writes a decision taken on `previous`. Returns the ids of the appended events.
 * Throws ConcurrentModificationError when the case moved on since `previous` was loaded.
 */
export async function saveDecision(
  tx: Tx,
  previous: CaseState,
  decision: Decision,
  now: Date,
): Promise<string[]> {
  const next = decision.next;
  const updated = await tx.case.updateMany({
    where: { id: previous.id, version: previous.version },
    data: { ...caseColumns(next), updatedAt: now },
  });
  if (updated.count !== 1) throw new ConcurrentModificationError(previous.id, previous.version);

  const key = (p: Party) => `${p.unitId}|${p.role}|${p.joinedAt.getTime()}`;
  const before = new Map(previous.parties.map((p) => [key(p), p]));
  const added = next.parties.filter((p) => !before.has(key(p)));
  for (const party of next.parties) {
    const old = before.get(key(party));
    if (old && old.leftAt === null && party.leftAt !== null) {
      await tx.caseParty.updateMany({
        where: { caseId: previous.id, unitId: party.unitId, role: party.role, leftAt: null },
        data: { leftAt: party.leftAt },
      });
    }
  }
  await insertParties(tx, previous.id, added);
  const lastSequence = previous.events.at(-1)?.sequence ?? 0;
  return writeDecisionRows(tx, previous.id, lastSequence, decision);
}

async function insertParties(tx: Tx, caseId: string, parties: Party[]): Promise<void> {
  if (parties.length === 0) return;
  await tx.caseParty.createMany({
    data: parties.map((p) => ({
      caseId,
      unitId: p.unitId,
      role: p.role,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
    })),
  });
}

async function writeDecisionRows(
  tx: Tx,
  caseId: string,
  lastSequence: number,
  decision: Decision,
): Promise<string[]> {
  const ids = decision.events.map(() => randomUUID());
  await tx.caseEvent.createMany({
    data: decision.events.map((event: NewCaseEvent, i) => ({
      id: ids[i]!,
      caseId,
      sequence: lastSequence + i + 1,
      type: event.type,
      authorHsaId: event.author.hsaId,
      authorName: event.author.name,
      authorUnitId: event.author.unitId,
      occurredAt: event.occurredAt,
      payload: event.payload as Prisma.InputJsonObject,
    })),
  });
  const recipients = decision.events.flatMap((event, i) =>
    [...new Set(event.recipientUnitIds)].map((unitId) => ({ eventId: ids[i]!, unitId })),
  );
  if (recipients.length > 0) await tx.caseEventRecipient.createMany({ data: recipients });

  const author = decision.events[0]!.author;
  const at = decision.events[0]!.occurredAt;
  if (decision.acknowledgement) {
    await tx.caseEventAcknowledgement.create({
      data: {
        eventId: decision.acknowledgement.eventId,
        unitId: decision.acknowledgement.unitId,
        acknowledgedAt: at,
        byHsaId: author.hsaId,
        byName: author.name,
      },
    });
  }
  if (decision.carePlanVersion) {
    const plan = decision.carePlanVersion;
    if (plan.createdPlanKind) {
      await tx.carePlan.create({
        data: { id: plan.carePlanId, caseId, kind: plan.createdPlanKind, createdAt: at },
      });
    }
    const versionId = randomUUID();
    await tx.carePlanVersion.create({
      data: {
        id: versionId,
        carePlanId: plan.carePlanId,
        version: plan.version,
        status: plan.status,
        summary: plan.summary,
        followUpOn: plan.followUpOn ? new Date(`${plan.followUpOn}T00:00:00Z`) : null,
        authorHsaId: author.hsaId,
        authorName: author.name,
        authorUnitId: author.unitId,
        createdAt: at,
      },
    });
    if (plan.items.length > 0) {
      await tx.carePlanItem.createMany({
        data: plan.items.map((item, position) => ({
          versionId,
          position,
          responsibleUnitId: item.responsibleUnitId,
          action: item.action,
          dueOn: item.dueOn ? new Date(`${item.dueOn}T00:00:00Z`) : null,
        })),
      });
    }
    if (plan.participants.length > 0) {
      await tx.carePlanParticipant.createMany({
        data: plan.participants.map((p, position) => ({ versionId, position, ...p })),
      });
    }
  }
  if (decision.note) {
    await tx.note.create({
      data: {
        id: decision.note.id,
        caseId,
        text: decision.note.text,
        lockedToOrganization: decision.note.lockedToOrganization,
        authorHsaId: author.hsaId,
        authorName: author.name,
        authorUnitId: author.unitId,
        authorOrganizationId: author.organizationId,
        createdAt: at,
      },
    });
  }
  return ids;
}
