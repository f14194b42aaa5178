/**
 * The information owner's control over retention, through the API: the retention decision
 * (gallringsbeslut) a policy implements, whether the organisation's records are purged
 * automatically or only after the owner approves each proposal (a dry run), and the
 * owner's verdict on a proposal. Everything is appended (migration 20261204210000); a
 * refused command writes nothing.
 */
import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import { isIsoDate, stockholmDate } from '../domain/calendar.js';
import { OWNER_DECIDED_CLASSES, type RecordClass } from '../domain/retention/rules.js';
import type { RetentionActor } from './access.js';
import { RetentionCommandError } from './errors.js';

function ownOrganization(actor: RetentionActor, organizationId: string): void {
  if (!actor.scope.includes(organizationId)) {
    throw new RetentionCommandError(
      'NOT_YOUR_ORGANIZATION',
      'You decide retention for your own organisation (and its districts) only.',
      'input.organizationId',
    );
  }
}

export interface RetentionDecisionInput {
  organizationId: string;
  recordClass: RecordClass;
  reference: string;
  decidedOn: string;
  decidedBy: string;
  /** Cases are exported for the e-archive before they are purged (cases only). */
  archiveBeforePurge: boolean;
}

/** Records the owner's retention decision for a class; the latest is the one in force. */
export async function recordDecision(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: RetentionDecisionInput,
): Promise<string> {
  ownOrganization(actor, input.organizationId);
  if (!OWNER_DECIDED_CLASSES.includes(input.recordClass)) {
    throw new RetentionCommandError(
      'RETENTION_NOT_PER_ORGANIZATION',
      'The system’s own records have one policy for all; only cases, the invoice basis and the access log are decided per organisation.',
      'input.recordClass',
    );
  }
  const reference = input.reference.trim();
  const decidedBy = input.decidedBy.trim();
  if (reference.length < 1 || reference.length > 200) {
    throw new RetentionCommandError(
      'REFERENCE_REQUIRED',
      'Give the decision’s reference (diarienummer, § in the minutes): 1 to 200 characters.',
      'input.reference',
    );
  }
  if (decidedBy.length < 2 || decidedBy.length > 200) {
    throw new RetentionCommandError(
      'REFERENCE_REQUIRED',
      'Name who decided (the board or officer): 2 to 200 characters.',
      'input.decidedBy',
    );
  }
  if (!isIsoDate(input.decidedOn) || input.decidedOn > stockholmDate(new Date())) {
    throw new RetentionCommandError(
      'INVALID_DATE',
      'The decision’s date is a day (YYYY-MM-DD), not in the future.',
      'input.decidedOn',
    );
  }
  if (input.archiveBeforePurge && input.recordClass !== 'CASE') {
    throw new RetentionCommandError(
      'ARCHIVE_NOT_SUPPORTED',
      'Only cases are handed over to an e-archive before purge (docs/archive-package.md).',
      'input.archiveBeforePurge',
    );
  }
  const created = await prisma.retentionDecision.create({
    data: {
      organizationId: input.organizationId,
      recordClass: input.recordClass,
      reference,
      decidedOn: new Date(`${input.decidedOn}T00:00:00Z`),
      decidedBy,
      archiveBeforePurge: input.archiveBeforePurge,
      recordedByHsaId: actor.hsaId,
      recordedByName: actor.name,
    },
    select: { id: true },
  });
  return created.id;
}

/**
 * The decision a new policy implements: the one named (it must be the organisation's, for
 * the class), else the organisation's latest for the class, else none.
 */
export async function decisionForPolicy(
  prisma: PrismaClient | Prisma.TransactionClient,
  input: { organizationId: string; recordClass: RecordClass; decisionId: string | null },
): Promise<string | null> {
  const found = await prisma.retentionDecision.findFirst({
    where: {
      organizationId: input.organizationId,
      recordClass: input.recordClass,
      ...(input.decisionId === null ? {} : { id: input.decisionId }),
    },
    orderBy: { recordedAt: 'desc' },
    select: { id: true },
  });
  if (!found && input.decisionId !== null) {
    throw new RetentionCommandError(
      'DECISION_NOT_FOUND',
      'No retention decision of this organisation for this class has that id.',
      'input.decisionId',
    );
  }
  return found?.id ?? null;
}

export type RetentionMode = 'AUTOMATIC' | 'APPROVAL';

/** Chooses how the organisation's records are purged from now on. */
export async function setMode(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: { organizationId: string; mode: RetentionMode },
): Promise<void> {
  ownOrganization(actor, input.organizationId);
  await prisma.retentionOwnerMode.create({
    data: {
      organizationId: input.organizationId,
      mode: input.mode,
      decidedByHsaId: actor.hsaId,
      decidedByName: actor.name,
    },
  });
}

/** The mode in force: the organisation's own latest choice, else its parent's, else automatic. */
export async function modeOf(prisma: PrismaClient, organizationId: string): Promise<RetentionMode> {
  const organization = await prisma.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { parentId: true },
  });
  for (const id of [organizationId, organization.parentId]) {
    if (id === null) continue;
    const chosen = await prisma.retentionOwnerMode.findFirst({
      where: { organizationId: id },
      orderBy: { id: 'desc' },
      select: { mode: true },
    });
    if (chosen) return chosen.mode;
  }
  return 'AUTOMATIC';
}

/**
 * The owner's verdict on a proposal (a finished dry run) for their organisation. Only the
 * newest finished dry run can be decided, once per organisation; the verdict then governs
 * the purges that follow (src/retention/policies.ts, ownerDay).
 */
export async function decideProposal(
  prisma: PrismaClient,
  actor: RetentionActor,
  input: { runId: string; organizationId: string; approve: boolean; comment: string | null },
): Promise<void> {
  ownOrganization(actor, input.organizationId);
  if (input.comment !== null && input.comment.length > 2000) {
    throw new RetentionCommandError(
      'REASON_REQUIRED',
      'The comment is at most 2000 characters.',
      'input.comment',
    );
  }
  if ((await modeOf(prisma, input.organizationId)) !== 'APPROVAL') {
    throw new RetentionCommandError(
      'APPROVAL_NOT_REQUIRED',
      'Your organisation’s records are purged automatically; choose approval first.',
      'input.organizationId',
    );
  }
  const newest = await prisma.retentionRun.findFirst({
    where: { mode: 'DRY_RUN', status: 'SUCCEEDED' },
    orderBy: { startedAt: 'desc' },
    select: { id: true },
  });
  const proposal = await prisma.retentionRun.findFirst({
    where: { id: input.runId, mode: 'DRY_RUN', status: 'SUCCEEDED' },
    select: { id: true },
  });
  if (!proposal) {
    throw new RetentionCommandError(
      'PROPOSAL_NOT_FOUND',
      'No finished dry run has that id.',
      'input.proposalId',
    );
  }
  if (newest?.id !== proposal.id) {
    throw new RetentionCommandError(
      'PROPOSAL_SUPERSEDED',
      'A newer dry run exists: decide on the newest proposal.',
      'input.proposalId',
    );
  }
  try {
    await prisma.retentionProposalDecision.create({
      data: {
        runId: proposal.id,
        organizationId: input.organizationId,
        verdict: input.approve ? 'APPROVED' : 'REJECTED',
        comment: input.comment,
        decidedByHsaId: actor.hsaId,
        decidedByName: actor.name,
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new RetentionCommandError(
        'PROPOSAL_ALREADY_DECIDED',
        'Your organisation has already approved or rejected this proposal.',
        'input.proposalId',
      );
    }
    throw error;
  }
}
