/**
 * What an information owner decides through the API: a retention policy for their own
 * organisation (superseding the previous one, which stays for the purge records that
 * applied it), and legal holds on cases, patients or the organisation itself.
 */
import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import { checkOwnerDecision, type RecordClass } from '../domain/retention/rules.js';
import type { RetentionActor } from './access.js';
import { RetentionCommandError } from './errors.js';
import { decisionForPolicy } from './owner-control.js';

export interface PolicyDecision {
  organizationId: string;
  recordClass: RecordClass;
  retainMonths: number;
  retainDays: number;
  keepBirthDays: number[];
  decision: string;
  /** The owner's retention decision it implements; null: their latest for the class, if any. */
  decisionId: string | null;
}

export async function decidePolicy(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: PolicyDecision,
): Promise<string> {
  if (!actor.scope.includes(input.organizationId)) {
    throw new RetentionCommandError(
      'NOT_YOUR_ORGANIZATION',
      'You decide retention for your own organisation (and its districts) only.',
      'input.organizationId',
    );
  }
  const problem = checkOwnerDecision(input);
  if (problem)
    throw new RetentionCommandError(problem.code, problem.message, `input.${problem.field}`);
  try {
    return await prisma.$transaction(async (tx) => {
      const decisionId = await decisionForPolicy(tx, input);
      await tx.retentionPolicy.updateMany({
        where: {
          recordClass: input.recordClass,
          organizationId: input.organizationId,
          supersededAt: null,
        },
        data: { supersededAt: new Date() },
      });
      const created = await tx.retentionPolicy.create({
        data: {
          recordClass: input.recordClass,
          organizationId: input.organizationId,
          retainMonths: input.retainMonths,
          retainDays: input.retainDays,
          keepBirthDays: [...input.keepBirthDays].sort((a, b) => a - b),
          decision: input.decision.trim(),
          decidedByHsaId: actor.hsaId,
          decidedByName: actor.name,
          decisionId,
        },
        select: { id: true },
      });
      return created.id;
    });
  } catch (error) {
    // Two owners deciding at once: the unique current-policy index lets one through.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new RetentionCommandError(
        'CONCURRENT_MODIFICATION',
        'Another decision for this class was recorded at the same moment; look again and retry.',
      );
    }
    throw error;
  }
}

export type HoldTarget =
  | { kind: 'CASE'; caseId: string }
  | { kind: 'PATIENT'; patientId: string }
  | { kind: 'PATIENT_BY_NUMBER'; personalIdentityNumber: string }
  | { kind: 'ORGANIZATION'; organizationId: string };

function checkReason(reason: string, field: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 10 || trimmed.length > 2000) {
    throw new RetentionCommandError(
      'REASON_REQUIRED',
      'Give the reason for the hold (the dispute, the authority, the reference): 10 to 2000 characters.',
      field,
    );
  }
  return trimmed;
}

/**
 * Places a hold on information of the owner's organisation: a case it takes part in, a
 * patient of such a case, or the organisation itself. Anything else answers as not found,
 * so a hold cannot be used to learn whether a case or patient exists elsewhere.
 */
export async function placeHold(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: { target: HoldTarget; reason: string; reference: string | null },
): Promise<string> {
  const reason = checkReason(input.reason, 'input.reason');
  if (input.reference !== null && input.reference.length > 200) {
    throw new RetentionCommandError(
      'REASON_REQUIRED',
      'The reference is at most 200 characters.',
      'input.reference',
    );
  }
  const held = await heldTarget(prisma, actor, input.target);
  const hold = await prisma.legalHold.create({
    data: {
      ...held,
      reason,
      reference: input.reference,
      placedForOrganizationId: actor.organizationId,
      placedByHsaId: actor.hsaId,
      placedByName: actor.name,
    },
    select: { id: true },
  });
  return hold.id;
}

/** What a hold is placed on, once found among the owner's own information. */
async function heldTarget(
  prisma: PrismaClient,
  actor: RetentionActor,
  target: HoldTarget,
): Promise<
  | { target: 'CASE'; caseId: string }
  | { target: 'PATIENT'; patientId: string }
  | { target: 'ORGANIZATION'; organizationId: string }
> {
  const ownCase = { parties: { some: { unit: { organizationId: { in: actor.scope } } } } };
  switch (target.kind) {
    case 'CASE': {
      const found = await prisma.case.findFirst({
        where: { id: target.caseId, ...ownCase },
        select: { id: true },
      });
      if (!found)
        throw new RetentionCommandError(
          'CASE_NOT_FOUND',
          'No case of your organisation has that id.',
          'input.caseId',
        );
      return { target: 'CASE', caseId: found.id };
    }
    case 'PATIENT':
    case 'PATIENT_BY_NUMBER': {
      const found = await prisma.patient.findFirst({
        where: {
          ...(target.kind === 'PATIENT'
            ? { id: target.patientId }
            : { personalIdentityNumber: target.personalIdentityNumber }),
          cases: { some: ownCase },
        },
        select: { id: true },
      });
      if (!found) {
        throw new RetentionCommandError(
          'PATIENT_NOT_FOUND',
          'No patient of your organisation’s cases matches.',
          target.kind === 'PATIENT' ? 'input.patientId' : 'input.personalIdentityNumber',
        );
      }
      return { target: 'PATIENT', patientId: found.id };
    }
    case 'ORGANIZATION': {
      if (!actor.scope.includes(target.organizationId)) {
        throw new RetentionCommandError(
          'NOT_YOUR_ORGANIZATION',
          'You may hold your own organisation’s information only.',
          'input.organizationId',
        );
      }
      return { target: 'ORGANIZATION', organizationId: target.organizationId };
    }
  }
}

/** Releases a hold placed for the owner's organisation; the row stays as the record of it. */
export async function releaseHold(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: { holdId: string; reason: string },
): Promise<void> {
  const reason = checkReason(input.reason, 'input.reason');
  const hold = await prisma.legalHold.findFirst({
    where: { id: input.holdId, placedForOrganizationId: { in: actor.scope } },
    select: { releasedAt: true },
  });
  if (!hold)
    throw new RetentionCommandError(
      'HOLD_NOT_FOUND',
      'No hold of your organisation has that id.',
      'input.id',
    );
  const released = await prisma.legalHold.updateMany({
    where: { id: input.holdId, releasedAt: null },
    data: { releasedAt: new Date(), releasedByHsaId: actor.hsaId, releasedReason: reason },
  });
  if (released.count === 0) {
    throw new RetentionCommandError(
      'HOLD_ALREADY_RELEASED',
      'The hold was released already.',
      'input.id',
    );
  }
}
