import { encodeGlobalID } from '@pothos/plugin-relay';
import { parsePersonalIdentityNumber } from '../../domain/personal-identity-number.js';
import { policyFor } from '../../domain/retention/policy-resolution.js';
import { LEGAL_MINIMUM_MONTHS, RECORD_CLASSES } from '../../domain/retention/rules.js';
import { type RetentionActor, requireRetention } from '../../retention/access.js';
import {
  decidePolicy,
  type HoldTarget,
  placeHold,
  releaseHold,
} from '../../retention/decisions.js';
import { RETENTION_ERROR_CODES, RetentionCommandError } from '../../retention/errors.js';
import { decideProposal, modeOf, recordDecision, setMode } from '../../retention/owner-control.js';
import { builder, calendarDay } from '../builder.js';
import type { Context } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { decodeId, globalIdOf, nodeSerial, nodeUuid } from '../global-id.js';
import { selecting } from '../prisma-query.js';
import { OrganizationKind } from './organization.js';
import { resultErrorType } from './result-error.js';

/**
 * Retention (gallring) for information owners, who decide policies and legal holds for
 * their organisation, and for security officers, who check the purge records against
 * them. Nothing here carries patient data: holds name cases and patients by id only, and
 * purge records are counts.
 */

export const RetentionRecordClass = builder.enumType('RetentionRecordClass', {
  description: 'A class of records with its own retention rule (gallring).',
  values: {
    CASE: { description: 'Cases with their events, care plans and notes.' },
    INVOICE_BASIS: {
      description: 'Invoices and their lines (the accounting basis).',
    },
    ACCESS_LOG: {
      description: 'The PDL access log, purged a month at a time.',
    },
    IDENTITY_EVENT: {
      description: 'Login and identity-administration events.',
    },
    REPLAY_CACHE: { description: 'SAML request and replay identifiers.' },
    SESSION: { description: 'Login sessions after they ended.' },
    PATIENT_IDENTITY: {
      description: 'Patients’ identity data: no policy of its own, it follows the cases.',
    },
  } satisfies Record<(typeof RECORD_CLASSES)[number], unknown>,
});
const RunMode = builder.enumType('RetentionRunMode', {
  description: 'Whether a retention run purged or only counted.',
  values: {
    PURGE: { description: 'Records due were purged.' },
    DRY_RUN: { description: 'Nothing was purged: the counts say what a purge would remove.' },
  } as const,
});
const RunStatus = builder.enumType('RetentionRunStatus', {
  description: 'How far a retention run got.',
  values: {
    RUNNING: { description: 'Started and not finished (or cut off and not yet resumed).' },
    SUCCEEDED: { description: 'Finished without error.' },
    FAILED: { description: 'Ended with an error; `error` says why.' },
  } as const,
});
const HoldTargetEnum = builder.enumType('LegalHoldTarget', {
  description: 'What a legal hold keeps from purging.',
  values: {
    CASE: { description: 'One case, with its events, care plans and notes.' },
    PATIENT: { description: 'Every case of one patient, and the access-log rows about them.' },
    ORGANIZATION: { description: 'Every record of the organisation.' },
  } as const,
});

/** The error options of a retention command, its result types described by what it answers. */
const retentionResult = resultErrorType(RetentionCommandError, {
  name: 'RetentionError',
  codes: RETENTION_ERROR_CODES,
  description: 'Why a retention decision or hold was refused. A refused command writes nothing.',
});
const retentionErrors = { types: [RetentionCommandError] };

const idOf = (globalId: string | number, typename: string, field: string): string =>
  decodeId(
    globalId,
    typename,
    field,
    (message) => new RetentionCommandError('INVALID_ID', message, field),
  );

/**
 * How `node(id:)` finds a retention record: under the check of the list that shows it, that
 * is, RETENTION read (information owners and security officers; anyone else FORBIDDEN, or
 * UNAUTHENTICATED without a token, before anything is read), and that list's own condition
 * on the caller's organisations, so a record the list would not show them is null.
 */
function retentionNode<Key, Where>(
  key: (id: string) => Key,
  where: (key: Key, actor: RetentionActor) => Where,
): (id: string, ctx: Context) => Promise<Where> {
  return async (id, ctx) => {
    const actor = await requireRetention(ctx, 'read');
    return where(key(id), actor);
  };
}

/**
 * Which records of each kind the caller reads, one condition for the list and `node(id:)`:
 * the defaults and the decisions, holds and policies of their organisation and its districts.
 */
const policiesOf = (actor: RetentionActor) => ({
  OR: [{ organizationId: null }, { organizationId: { in: actor.scope } }],
});
const holdsOf = (actor: RetentionActor) => ({ placedForOrganizationId: { in: actor.scope } });
const decisionsOf = (actor: RetentionActor) => ({ organizationId: { in: actor.scope } });

export const RetentionPolicy = builder.prismaNode('RetentionPolicy', {
  description:
    'A retention decision: how long one class of records is kept after its anchor (a case’s last entry, ' +
    'the end of an invoice’s fiscal year, the end of an access-log month, the end of a session), for one ' +
    'organisation, or as the default for a kind of organisation, or for all. `node(id:)` loads it for ' +
    'whoever `retentionPolicies` lists it to: a default, or a decision of their organisation (or its districts).',
  id: {
    field: 'id',
    description: 'The policy’s global id, for `node(id:)`.',
  },
  nullable: true,
  findUnique: retentionNode(nodeUuid, (id, actor) => ({ id, ...policiesOf(actor) })),
  fields: (t) => ({
    recordClass: t.expose('recordClass', {
      type: RetentionRecordClass,
      description: 'The class of records it governs.',
    }),
    organization: t.relation('organization', {
      nullable: true,
      description: 'The organisation whose own decision it is; null for a default.',
    }),
    organizationKind: t.expose('organizationKind', {
      type: OrganizationKind,
      nullable: true,
      description:
        'For a default: the kind of organisation it applies to; null for the default of all, or for one organisation’s own policy.',
    }),
    retainMonths: t.exposeInt('retainMonths', {
      description: 'Months the records are kept after their anchor (plus retainDays).',
    }),
    retainDays: t.exposeInt('retainDays', {
      description: 'Days kept on top of retainMonths; usually 0.',
    }),
    legalMinimumMonths: t.int({
      nullable: true,
      description:
        'The shortest retention the law allows for the class, in months after the anchor (access logs 60, the invoice basis 84); null where the law sets none.',
      resolve: (p) =>
        LEGAL_MINIMUM_MONTHS[p.recordClass as (typeof RECORD_CLASSES)[number]] ?? null,
    }),
    keepBirthDays: t.exposeIntList('keepBirthDays', {
      description: 'Days of the month of birth whose records are kept for research.',
    }),
    decision: t.exposeString('decision', {
      description: 'The decision implemented.',
    }),
    decidedByHsaId: t.exposeString('decidedByHsaId', {
      nullable: true,
      description:
        'The information owner who recorded it (employee HSA-ID); null for the law’s defaults.',
    }),
    decidedByName: t.exposeString('decidedByName', {
      nullable: true,
      description: 'Their name; null for the law’s defaults.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    supersededAt: t.expose('supersededAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When a later decision for the same class and scope replaced it; null while in force.',
    }),
    retentionDecision: t.relation('retentionDecision', {
      nullable: true,
      description:
        'The owner’s retention decision (gallringsbeslut) this policy implements; null for the law’s defaults.',
    }),
  }),
});

const EffectiveRetention = builder.objectRef<{
  recordClass: string;
  policyId: string | null;
}>('EffectiveRetention');
EffectiveRetention.implement({
  description: 'The policy that governs a class of an organisation’s records today.',
  fields: (t) => ({
    recordClass: t.field({
      type: RetentionRecordClass,
      description: 'The class of records.',
      resolve: (e) => e.recordClass as (typeof RECORD_CLASSES)[number],
    }),
    legalMinimumMonths: t.int({
      nullable: true,
      description:
        'The shortest retention the law allows for the class, in months after the anchor; null where the law sets none. A decision below it is refused (RETENTION_BELOW_LEGAL_MINIMUM).',
      resolve: (e) =>
        LEGAL_MINIMUM_MONTHS[e.recordClass as (typeof RECORD_CLASSES)[number]] ?? null,
    }),
    policy: t.prismaField({
      type: 'RetentionPolicy',
      nullable: true,
      description:
        'The policy that applies: the organisation’s own, else the default for its kind, else the default for all; null when none applies (nothing is purged).',
      resolve: (query, e, _args, ctx) =>
        e.policyId === null
          ? null
          : ctx.prisma.retentionPolicy.findUnique({
              ...selecting(query),
              where: { id: e.policyId },
            }),
    }),
  }),
});

builder.queryField('retentionPolicies', (t) =>
  t.prismaField({
    type: ['RetentionPolicy'],
    description:
      'The defaults and your organisation’s own decisions; superseded ones too when asked, oldest first.',
    args: {
      includeSuperseded: t.arg.boolean({
        defaultValue: false,
        description: 'Also list decisions that later ones replaced.',
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      return ctx.prisma.retentionPolicy.findMany({
        ...selecting(query),
        where: {
          ...policiesOf(actor),
          ...(args.includeSuperseded ? {} : { supersededAt: null }),
        },
        orderBy: [{ recordClass: 'asc' }, { createdAt: 'asc' }],
      });
    },
  }),
);

builder.queryField('effectiveRetention', (t) =>
  t.field({
    type: [EffectiveRetention],
    description:
      'For each record class, the policy that applies to your organisation (or one of its districts).',
    args: {
      organizationId: t.arg.id({
        required: false,
        description:
          'Your organisation or one of its districts (`Organization.id`); default: your own.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      // A query has no result union: its refusals are request errors with stable codes.
      const organizationId =
        args.organizationId == null
          ? actor.organizationId
          : decodeId(args.organizationId, 'Organization', 'organizationId');
      if (!actor.scope.includes(organizationId))
        throw new ForbiddenError('Not an organisation of yours (organizationId).');
      const organization = await ctx.prisma.organization.findUniqueOrThrow({
        where: { id: organizationId },
        select: { id: true, kind: true },
      });
      const policies = (
        await ctx.prisma.retentionPolicy.findMany({
          where: { supersededAt: null },
        })
      ).map((p) => ({ ...p, months: p.retainMonths, days: p.retainDays }));
      return RECORD_CLASSES.map((recordClass) => ({
        recordClass,
        policyId: policyFor(policies, recordClass, organization)?.id ?? null,
      }));
    },
  }),
);

const DecideInput = builder.inputType('DecideRetentionPolicyInput', {
  description:
    'How long one class of your organisation’s records is kept, and the decision behind it.',
  fields: (t) => ({
    organizationId: t.id({
      required: false,
      description: 'Default: your own organisation.',
    }),
    recordClass: t.field({ type: RetentionRecordClass, description: 'The class decided for.' }),
    retainMonths: t.int({
      description:
        'Months to keep after the anchor; at least the legal minimum where there is one.',
    }),
    retainDays: t.int({ defaultValue: 0, description: 'Days to keep on top of the months.' }),
    keepBirthDays: t.intList({
      defaultValue: [],
      description:
        'Days of the month (1–31) of people whose records are kept for research, e.g. [5, 15, 25] for social-services files.',
    }),
    decision: t.string({
      description: 'The decision: body, date and reference (diarienummer).',
    }),
    decisionId: t.id({
      required: false,
      description:
        'The retention decision (recordRetentionDecision) this policy implements; default: your latest for the class.',
    }),
  }),
});

builder.mutationField('decideRetentionPolicy', (t) =>
  t.prismaField({
    type: 'RetentionPolicy',
    description:
      'Records your organisation’s retention decision for a class, superseding the previous one. ' +
      'The law’s minimums hold: access logs five years, the invoice basis seven years after the fiscal year.',
    errors: retentionResult('The policy recorded, now in force.'),
    args: {
      input: t.arg({ type: DecideInput, description: 'The class, the time and the decision.' }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const id = await decidePolicy(ctx.prisma, actor, {
        organizationId:
          input.organizationId == null
            ? actor.organizationId
            : idOf(input.organizationId, 'Organization', 'input.organizationId'),
        recordClass: input.recordClass,
        retainMonths: input.retainMonths,
        retainDays: input.retainDays ?? 0,
        keepBirthDays: input.keepBirthDays ?? [],
        decision: input.decision,
        decisionId:
          input.decisionId == null
            ? null
            : idOf(input.decisionId, 'RetentionDecision', 'input.decisionId'),
      });
      return ctx.prisma.retentionPolicy.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

builder.prismaNode('LegalHold', {
  description:
    'A legal hold: while active, nothing of its target is purged. `node(id:)` loads it for whoever `legalHolds` lists it to: the information owners and security officers of the organisation it was placed for (or of its parent).',
  id: {
    field: 'id',
    description: 'The hold’s global id: pass it to `releaseLegalHold` or `node(id:)`.',
  },
  nullable: true,
  findUnique: retentionNode(nodeUuid, (id, actor) => ({ id, ...holdsOf(actor) })),
  fields: (t) => ({
    target: t.expose('target', { type: HoldTargetEnum, description: 'What the hold keeps.' }),
    caseId: t.id({
      ...globalIdOf('Case'),
      nullable: true,
      description: 'The held case (its `Case` global id), for target CASE.',
      resolve: (h) => (h.caseId ? encodeGlobalID('Case', h.caseId) : null),
    }),
    patientId: t.id({
      ...globalIdOf('Patient'),
      nullable: true,
      description: 'The held patient (its `Patient` global id), for target PATIENT.',
      resolve: (h) => (h.patientId ? encodeGlobalID('Patient', h.patientId) : null),
    }),
    organization: t.relation('organization', {
      nullable: true,
      description: 'The held organisation, for target ORGANIZATION.',
    }),
    placedFor: t.relation('placedForOrganization', {
      description: 'The organisation that placed the hold and whose holds list shows it.',
    }),
    reason: t.exposeString('reason', {
      description: 'Why the records must be kept (e.g. a dispute).',
    }),
    reference: t.exposeString('reference', {
      nullable: true,
      description: 'The decision or case number (diarienummer); null if none was given.',
    }),
    placedByHsaId: t.exposeString('placedByHsaId', {
      description: 'The employee HSA-ID of who placed it.',
    }),
    placedByName: t.exposeString('placedByName', { description: 'Their name.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime', description: 'When it was placed.' }),
    active: t.boolean({
      description: 'True until released: while true, nothing of the target is purged.',
      resolve: (h) => h.releasedAt === null,
    }),
    releasedAt: t.expose('releasedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was released; null while active.',
    }),
    releasedByHsaId: t.exposeString('releasedByHsaId', {
      nullable: true,
      description: 'The employee HSA-ID of who released it; null while active.',
    }),
    releasedReason: t.exposeString('releasedReason', {
      nullable: true,
      description: 'Why it was released; null while active.',
    }),
  }),
});

builder.queryField('legalHolds', (t) =>
  t.prismaField({
    type: ['LegalHold'],
    description: 'Holds placed for your organisation, newest first.',
    args: {
      active: t.arg.boolean({
        required: false,
        description: 'Only active (true) or released (false).',
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      return ctx.prisma.legalHold.findMany({
        ...selecting(query),
        where: {
          ...holdsOf(actor),
          ...(args.active == null ? {} : { releasedAt: args.active ? null : { not: null } }),
        },
        orderBy: { placedAt: 'desc' },
      });
    },
  }),
);

const PlaceHoldInput = builder.inputType('PlaceLegalHoldInput', {
  description:
    'Exactly one target: a case, a patient (by id or personnummer), or your organisation.',
  fields: (t) => ({
    caseId: t.id({ required: false, description: 'Hold one case (`Case.id`).' }),
    patientId: t.id({ required: false, description: 'Hold a patient (`Patient.id`).' }),
    personalIdentityNumber: t.string({
      required: false,
      description: 'Hold a patient by personnummer or samordningsnummer.',
    }),
    organizationId: t.id({
      required: false,
      description: 'Hold every record of your organisation (`Organization.id`).',
    }),
    reason: t.string({ description: 'Why the records must be kept.' }),
    reference: t.string({
      required: false,
      description: 'The decision or case number (diarienummer).',
    }),
  }),
});

builder.mutationField('placeLegalHold', (t) =>
  t.prismaField({
    type: 'LegalHold',
    description:
      'Places a legal hold for your organisation: while it is active, nothing of its target is purged, whatever the retention policy.',
    errors: retentionResult('The hold placed, active from now.'),
    args: { input: t.arg({ type: PlaceHoldInput, description: 'The target and the reason.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const given = [
        input.caseId,
        input.patientId,
        input.personalIdentityNumber,
        input.organizationId,
      ].filter((v) => v != null);
      if (given.length !== 1) {
        throw new RetentionCommandError(
          'ONE_TARGET_REQUIRED',
          'Give exactly one of caseId, patientId, personalIdentityNumber, organizationId.',
          'input',
        );
      }
      let target: HoldTarget;
      if (input.caseId != null)
        target = {
          kind: 'CASE',
          caseId: idOf(input.caseId, 'Case', 'input.caseId'),
        };
      else if (input.patientId != null) {
        target = {
          kind: 'PATIENT',
          patientId: idOf(input.patientId, 'Patient', 'input.patientId'),
        };
      } else if (input.organizationId != null) {
        target = {
          kind: 'ORGANIZATION',
          organizationId: idOf(input.organizationId, 'Organization', 'input.organizationId'),
        };
      } else {
        const parsed = parsePersonalIdentityNumber(input.personalIdentityNumber ?? '');
        if (!parsed.ok) {
          throw new RetentionCommandError(
            'INVALID_PERSONAL_IDENTITY_NUMBER',
            'Not a valid personnummer or samordningsnummer.',
            'input.personalIdentityNumber',
          );
        }
        target = {
          kind: 'PATIENT_BY_NUMBER',
          personalIdentityNumber: parsed.value.number,
        };
      }
      const id = await placeHold(ctx.prisma, actor, {
        target,
        reason: input.reason,
        reference: input.reference ?? null,
      });
      return ctx.prisma.legalHold.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

const ReleaseHoldInput = builder.inputType('ReleaseLegalHoldInput', {
  description: 'The hold to release and why.',
  fields: (t) => ({
    id: t.id({ description: 'The hold’s global id (`LegalHold.id`).' }),
    reason: t.string({ description: 'Why the records need no longer be kept.' }),
  }),
});

builder.mutationField('releaseLegalHold', (t) =>
  t.prismaField({
    type: 'LegalHold',
    description: 'Ends a hold; what it kept is purged by the next run if its time has run out.',
    errors: retentionResult('The hold, now released.'),
    args: { input: t.arg({ type: ReleaseHoldInput, description: 'The hold and the reason.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const holdId = idOf(input.id, 'LegalHold', 'input.id');
      await releaseHold(ctx.prisma, actor, { holdId, reason: input.reason });
      return ctx.prisma.legalHold.findUniqueOrThrow({
        ...selecting(query),
        where: { id: holdId },
      });
    },
  }),
);

const PurgeRecordItem = builder.prismaObject('RetentionRunItem', {
  name: 'PurgeRecordItem',
  description:
    'One line of a purge record: counts for one class under one policy, never what was purged.',
  fields: (t) => ({
    recordClass: t.expose('recordClass', {
      type: RetentionRecordClass,
      description: 'The class of records counted.',
    }),
    policy: t.relation('policy', {
      nullable: true,
      description: 'The policy applied; null when none applied to these records.',
    }),
    decision: t.exposeString('decision', {
      description: 'The decision the policy implemented, as recorded at run time.',
    }),
    purged: t.float({
      description: 'Records purged (a dry run: that would be purged).',
      resolve: (i) => Number(i.purged),
    }),
    held: t.float({
      description: 'Due, but kept by a legal hold.',
      resolve: (i) => Number(i.held),
    }),
    keptForResearch: t.float({
      description: 'Due, but kept for research (a birthday in the policy’s keepBirthDays).',
      resolve: (i) => Number(i.keptForResearch),
    }),
    rows: t.field({
      type: 'JSONObject',
      description: 'Rows per table behind the count.',
      resolve: (i) => i.rows as Record<string, unknown>,
    }),
    earliest: t.expose('earliest', {
      type: 'DateTime',
      nullable: true,
      description:
        'The earliest anchor (e.g. a case’s last entry) among the purged records; null if none.',
    }),
    latest: t.expose('latest', {
      type: 'DateTime',
      nullable: true,
      description: 'The latest anchor among the purged records; null if none.',
    }),
  }),
});

const OrganizationLine = builder.prismaObject('RetentionRunOrganizationLine', {
  name: 'PurgeRecordOrganizationLine',
  description:
    'One organisation’s counts on a line of a purge record. A shared record (a case with ' +
    'several parties, an invoice, an access-log month) counts for each organisation it ' +
    'belongs to, so these add up to more than the line’s own counts.',
  fields: (t) => ({
    organization: t.relation('organization', {
      description: 'The organisation these counts belong to.',
    }),
    recordClass: t.expose('recordClass', {
      type: RetentionRecordClass,
      description: 'The class of records counted.',
    }),
    policy: t.relation('policy', {
      nullable: true,
      description: 'The policy that governed this organisation’s records of the class in the run.',
    }),
    purged: t.float({
      description:
        'Records of this organisation purged (a dry run: that would be purged); access-log rows for ACCESS_LOG.',
      resolve: (i) => Number(i.purged),
    }),
    held: t.float({
      description: 'Records of this organisation that were due but kept because of a legal hold.',
      resolve: (i) => Number(i.held),
    }),
    keptForResearch: t.float({
      description:
        'Records of this organisation that were due but kept for research (a birthday in the policy’s keepBirthDays).',
      resolve: (i) => Number(i.keptForResearch),
    }),
    earliest: t.expose('earliest', {
      type: 'DateTime',
      nullable: true,
      description:
        'The earliest anchor (e.g. a case’s last entry) among the purged records; null if none.',
    }),
    latest: t.expose('latest', {
      type: 'DateTime',
      nullable: true,
      description: 'The latest anchor among the purged records; null if none.',
    }),
  }),
});

const ArchivePackage = builder.prismaObject('RetentionArchivePackage', {
  name: 'ArchivePackage',
  description:
    'A package handed over to the e-archive before purging (docs/archive-package.md): a folder ' +
    'with one JSON file per record and a manifest of SHA-256 checksums.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The package’s folder name.' }),
    organization: t.relation('organization', {
      description: 'The organisation whose records the package holds.',
    }),
    decision: t.relation('decision', {
      description: 'The decision that marked the records.',
    }),
    recordClass: t.expose('recordClass', {
      type: RetentionRecordClass,
      description: 'The class of the records in the package (CASE: only cases are archived).',
    }),
    records: t.exposeInt('records', {
      description: 'How many records (JSON files) the package holds.',
    }),
    manifestSha256: t.exposeString('manifestSha256', {
      description: 'SHA-256 (hex) of the package’s manifest.json.',
    }),
    recordedAt: t.expose('recordedAt', {
      type: 'DateTime',
      description: 'When the package was written, before the records were purged.',
    }),
  }),
});

builder.prismaNode('RetentionRun', {
  name: 'PurgeRecord',
  description:
    'A gallringsprotokoll: one run of retention (or a dry run), with who or what started it and what it did. ' +
    'A run is every organisation’s: `node(id:)` loads it for every information owner and security officer, as `purgeRecords` lists it; its lines are still only theirs.',
  id: {
    field: 'id',
    description:
      'The run’s global id: pass it to `node(id:)`, or a dry run’s to `decideRetentionProposal`.',
  },
  nullable: true,
  findUnique: retentionNode(nodeUuid, (id) => ({ id })),
  fields: (t) => ({
    mode: t.expose('mode', { type: RunMode, description: 'A purge or a dry run.' }),
    asOf: t.expose('asOf', {
      type: 'Date',
      description: 'The day (Europe/Stockholm) the rules were applied for.',
    }),
    status: t.expose('status', { type: RunStatus, description: 'Running, succeeded or failed.' }),
    startedBy: t.exposeString('startedBy', {
      description:
        "Who or what started the run, as it named itself: 'scheduler:<job id>', 'cli:<user>'.",
    }),
    startedByLogin: t.exposeString('startedByLogin', {
      description: 'The database login that started the run, as the database authenticated it.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the run started.' }),
    finishedAt: t.expose('finishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it finished; null while running.',
    }),
    finishedBy: t.exposeString('finishedBy', {
      nullable: true,
      description: 'Who or what ended the run, as it named itself; null while running.',
    }),
    resumed: t.exposeInt('resumed', {
      description: 'How often the run was resumed after being cut off.',
    }),
    resumedBy: t.exposeStringList('resumedBy', {
      description: 'Each resume in order: who resumed, the database login, when.',
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why a FAILED run failed; null otherwise.',
    }),
    seal: t.exposeString('seal', {
      nullable: true,
      description:
        'SHA-256 sealing the finished run onto the chain of earlier runs (`npm run retention -- verify`).',
    }),
    items: t.field({
      type: [PurgeRecordItem],
      description: 'Lines under the defaults and under your organisation’s own policies.',
      resolve: async (run, _args, ctx) => {
        const actor = await requireRetention(ctx, 'read');
        return ctx.prisma.retentionRunItem.findMany({
          where: {
            runId: run.id,
            OR: [
              { policyId: null },
              { policy: { organizationId: null } },
              { policy: { organizationId: { in: actor.scope } } },
            ],
          },
          orderBy: [{ recordClass: 'asc' }, { decision: 'asc' }],
        });
      },
    }),
    archivePackages: t.field({
      type: [ArchivePackage],
      description:
        'Packages of your organisation’s records handed over to the e-archive before this run purged them.',
      resolve: async (run, _args, ctx) => {
        const actor = await requireRetention(ctx, 'read');
        return ctx.prisma.retentionArchivePackage.findMany({
          where: { runId: run.id, organizationId: { in: actor.scope } },
          orderBy: { seq: 'asc' },
        });
      },
    }),
    organizationCounts: t.field({
      type: [OrganizationLine],
      description:
        'Your organisation’s (and its districts’) own counts in this run, also under policies shared with others.',
      resolve: async (run, _args, ctx) => {
        const actor = await requireRetention(ctx, 'read');
        return ctx.prisma.retentionRunOrganizationLine.findMany({
          where: { runId: run.id, organizationId: { in: actor.scope } },
          orderBy: [{ organizationId: 'asc' }, { recordClass: 'asc' }],
        });
      },
    }),
  }),
});

builder.queryField('purgeRecords', (t) =>
  t.prismaField({
    type: ['RetentionRun'],
    description: 'Purge records (gallringsprotokoll), newest first.',
    args: {
      limit: t.arg.int({ defaultValue: 20, description: 'At most 100.' }),
      mode: t.arg({
        type: RunMode,
        required: false,
        description: 'Only purges or only dry runs; absent: both.',
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      await requireRetention(ctx, 'read');
      return ctx.prisma.retentionRun.findMany({
        ...selecting(query),
        where: args.mode == null ? {} : { mode: args.mode },
        orderBy: { startedAt: 'desc' },
        take: Math.min(Math.max(args.limit ?? 20, 1), 100),
      });
    },
  }),
);

const WarningKind = builder.enumType('RetentionWarningKind', {
  description: 'What a retention warning is about.',
  values: {
    RUN_SKIPPED: {
      description: 'A scheduled run yielded because another run held the runner’s lock.',
    },
  },
});

builder.prismaNode('RetentionWarning', {
  description:
    'Something about retention a person must look at, recorded by the runner (never changed). `node(id:)` loads it for every information owner and security officer, as `retentionWarnings` lists it.',
  id: { field: 'id', description: 'The warning’s global id, for `node(id:)`.' },
  nullable: true,
  findUnique: retentionNode(nodeSerial, (id) => ({ id })),
  fields: (t) => ({
    kind: t.expose('kind', {
      type: WarningKind,
      description: 'What the warning is about.',
    }),
    at: t.expose('at', {
      type: 'DateTime',
      description: 'When the runner recorded it.',
    }),
    actor: t.exposeString('actor', {
      description: "The runner that recorded it: 'scheduler:<job id>'.",
    }),
    login: t.exposeString('login', {
      description: 'The database login that recorded it.',
    }),
    message: t.exposeString('message', {
      description: 'What happened, in words for a person (English); not for front-ends to parse.',
    }),
    run: t.relation('run', {
      nullable: true,
      description: 'The run in progress that the skipped run yielded to.',
    }),
  }),
});

builder.queryField('retentionWarnings', (t) =>
  t.prismaField({
    type: ['RetentionWarning'],
    description:
      'Warnings about retention, newest first: for security officers and information owners of every organisation, since a run is everyone’s.',
    args: {
      limit: t.arg.int({ defaultValue: 20, description: 'At most 100.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      await requireRetention(ctx, 'read');
      return ctx.prisma.retentionWarning.findMany({
        ...selecting(query),
        orderBy: { id: 'desc' },
        take: Math.min(Math.max(args.limit ?? 20, 1), 100),
      });
    },
  }),
);

// Owners' control: retention decisions, automatic purge or approval, proposals.

builder.prismaNode('RetentionDecision', {
  description:
    'An information owner’s retention decision (gallringsbeslut) for a class of their organisation’s records; ' +
    'the latest for a class is in force. A public body’s records of a class are kept until one exists. ' +
    '`node(id:)` loads it for whoever `retentionDecisions` lists it to: the information owners and security officers of its organisation (or of its parent).',
  id: {
    field: 'id',
    description:
      'The decision’s global id: `input.decisionId` of decideRetentionPolicy, or `node(id:)`.',
  },
  nullable: true,
  findUnique: retentionNode(nodeUuid, (id, actor) => ({ id, ...decisionsOf(actor) })),
  fields: (t) => ({
    organization: t.relation('organization', {
      description: 'The organisation whose records the decision governs.',
    }),
    recordClass: t.expose('recordClass', {
      type: RetentionRecordClass,
      description: 'The class of records decided on.',
    }),
    reference: t.exposeString('reference', {
      description: 'Diarienummer, § in the minutes.',
    }),
    decidedOn: t.expose('decidedOn', {
      type: 'Date',
      description: 'The day the decision was taken.',
    }),
    decidedBy: t.exposeString('decidedBy', {
      description: 'The board or officer who decided.',
    }),
    archiveBeforePurge: t.exposeBoolean('archiveBeforePurge', {
      description: 'Cases are exported for the e-archive before they are purged.',
    }),
    recordedByHsaId: t.exposeString('recordedByHsaId', {
      description: 'HSA-ID of the information owner who recorded the decision in Brygga.',
    }),
    recordedByName: t.exposeString('recordedByName', {
      description: 'Name of the information owner who recorded it.',
    }),
    recordedAt: t.expose('recordedAt', {
      type: 'DateTime',
      description: 'When it was recorded in Brygga (not when it was decided).',
    }),
  }),
});

builder.queryField('retentionDecisions', (t) =>
  t.prismaField({
    type: ['RetentionDecision'],
    description: 'Your organisation’s (and its districts’) retention decisions, newest first.',
    resolve: async (query, _root, _args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      return ctx.prisma.retentionDecision.findMany({
        ...selecting(query),
        where: decisionsOf(actor),
        orderBy: { recordedAt: 'desc' },
      });
    },
  }),
);

const RecordDecisionInput = builder.inputType('RecordRetentionDecisionInput', {
  description:
    'A retention decision (gallringsbeslut) to record for a class of an organisation’s records.',
  fields: (t) => ({
    organizationId: t.id({
      required: false,
      description: 'Default: your own organisation.',
    }),
    recordClass: t.field({
      type: RetentionRecordClass,
      description: 'The class of records decided on.',
    }),
    reference: t.string({ description: 'Diarienummer, § in the minutes.' }),
    decidedOn: t.field({ type: 'Date', description: 'The day of the decision.' }),
    decidedBy: t.string({ description: 'The board or officer who decided.' }),
    archiveBeforePurge: t.boolean({
      defaultValue: false,
      description:
        'Cases are exported as a package for the e-archive before they are purged (cases only).',
    }),
  }),
});

/** The organisation an input names, or the actor's own. */
function organizationOf(organizationId: string | number | null | undefined, own: string): string {
  return organizationId == null
    ? own
    : idOf(organizationId, 'Organization', 'input.organizationId');
}

builder.mutationField('recordRetentionDecision', (t) =>
  t.prismaField({
    type: 'RetentionDecision',
    description:
      'Records your organisation’s retention decision (gallringsbeslut) for a class; policies then link to it.',
    errors: {
      ...retentionErrors,
      result: {
        description: 'The retention decision recorded when it succeeded.',
      },
      union: { description: 'The decision recorded, or why it was refused.' },
      dataField: { description: 'The retention decision recorded.' },
    },
    args: {
      input: t.arg({
        type: RecordDecisionInput,
        description: 'The decision to record.',
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const id = await recordDecision(ctx.prisma, actor, {
        organizationId: organizationOf(input.organizationId, actor.organizationId),
        recordClass: input.recordClass,
        reference: input.reference,
        decidedOn: calendarDay(input.decidedOn),
        decidedBy: input.decidedBy,
        archiveBeforePurge: input.archiveBeforePurge ?? false,
      });
      return ctx.prisma.retentionDecision.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

const ModeEnum = builder.enumType('RetentionMode', {
  description:
    'Whether an organisation’s due records are purged automatically or only after the owner approves.',
  values: {
    AUTOMATIC: { description: 'Due records are purged by the nightly run.' },
    APPROVAL: {
      description:
        'A dry run is a proposal: the organisation’s records are purged only as far as the owner approved.',
    },
  },
});

const RetentionControl = builder.objectRef<{ organizationId: string }>('RetentionControl');
RetentionControl.implement({
  description: 'How an organisation’s records are purged.',
  fields: (t) => ({
    organization: t.prismaField({
      type: 'Organization',
      description: 'The organisation whose records this is about.',
      resolve: (query, c, _args, ctx) =>
        ctx.prisma.organization.findUniqueOrThrow({
          ...selecting(query),
          where: { id: c.organizationId },
        }),
    }),
    mode: t.field({
      type: ModeEnum,
      description: 'The mode in force: the organisation’s own choice, else its parent’s.',
      resolve: (c, _args, ctx) => modeOf(ctx.prisma, c.organizationId),
    }),
  }),
});

builder.queryField('retentionControl', (t) =>
  t.field({
    type: RetentionControl,
    description:
      'How an organisation’s records are purged (automatically or after approval): for its information owners and security officers.',
    args: {
      organizationId: t.arg.id({
        required: false,
        description: 'Default: your own organisation; else one of yours (a district).',
      }),
    },
    errors: {
      ...retentionErrors,
      result: { description: 'The purge control when it succeeded.' },
      union: { description: 'The purge control, or why it was refused.' },
      dataField: { description: 'The purge control.' },
    },
    resolve: async (_root, args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      const organizationId = organizationOf(args.organizationId, actor.organizationId);
      if (!actor.scope.includes(organizationId)) {
        throw new RetentionCommandError(
          'NOT_YOUR_ORGANIZATION',
          'Not an organisation of yours.',
          'organizationId',
        );
      }
      return { organizationId };
    },
  }),
);

const SetModeInput = builder.inputType('SetRetentionModeInput', {
  description: 'The purge mode to choose for an organisation.',
  fields: (t) => ({
    organizationId: t.id({
      required: false,
      description: 'Default: your own organisation.',
    }),
    mode: t.field({
      type: ModeEnum,
      description: 'Automatic purge, or purge after approval.',
    }),
  }),
});

builder.mutationField('setRetentionMode', (t) =>
  t.field({
    type: RetentionControl,
    description: 'Chooses automatic purge or approval for your organisation’s records.',
    errors: {
      ...retentionErrors,
      result: {
        description: 'The purge control with the mode now in force when it succeeded.',
      },
      union: {
        description: 'The purge control, or why the choice was refused.',
      },
      dataField: {
        description: 'The purge control with the mode now in force.',
      },
    },
    args: {
      input: t.arg({
        type: SetModeInput,
        description: 'The organisation and the mode.',
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const organizationId = organizationOf(input.organizationId, actor.organizationId);
      await setMode(ctx.prisma, actor, { organizationId, mode: input.mode });
      return { organizationId };
    },
  }),
);

const Verdict = builder.enumType('RetentionProposalVerdict', {
  description: 'An owner’s verdict on a proposal (a dry run).',
  values: {
    APPROVED: {
      description: 'The records due on the dry run’s day may be purged.',
    },
    REJECTED: { description: 'None of the proposal’s records are purged.' },
  },
});

builder.prismaObject('RetentionProposalDecision', {
  description: 'An owner’s approval or rejection of a proposal (a dry run) for their organisation.',
  fields: (t) => ({
    proposal: t.relation('run', { description: 'The dry run decided on.' }),
    organization: t.relation('organization', {
      description: 'The organisation whose records the verdict covers.',
    }),
    verdict: t.expose('verdict', {
      type: Verdict,
      description: 'Approved or rejected.',
    }),
    comment: t.exposeString('comment', {
      nullable: true,
      description: 'The owner’s comment, if any.',
    }),
    decidedByHsaId: t.exposeString('decidedByHsaId', {
      description: 'HSA-ID of the information owner who decided.',
    }),
    decidedByName: t.exposeString('decidedByName', {
      description: 'Name of the information owner who decided.',
    }),
    decidedAt: t.expose('decidedAt', {
      type: 'DateTime',
      description: 'When the verdict was given.',
    }),
  }),
});

builder.queryField('retentionProposalDecisions', (t) =>
  t.prismaField({
    type: ['RetentionProposalDecision'],
    description: 'Your organisation’s verdicts on proposals, newest first.',
    resolve: async (query, _root, _args, ctx) => {
      const actor = await requireRetention(ctx, 'read');
      return ctx.prisma.retentionProposalDecision.findMany({
        ...selecting(query),
        where: { organizationId: { in: actor.scope } },
        orderBy: { id: 'desc' },
      });
    },
  }),
);

const DecideProposalInput = builder.inputType('DecideRetentionProposalInput', {
  description: 'An owner’s verdict on a proposal (a dry run) for an organisation.',
  fields: (t) => ({
    proposalId: t.id({ description: 'The dry run (a PurgeRecord id).' }),
    organizationId: t.id({
      required: false,
      description: 'Default: your own organisation.',
    }),
    approve: t.boolean({
      description: 'True approves the proposal, false rejects it.',
    }),
    comment: t.string({
      required: false,
      description: 'Why, for the record (optional).',
    }),
  }),
});

builder.mutationField('decideRetentionProposal', (t) =>
  t.prismaField({
    type: 'RetentionProposalDecision',
    description:
      'Approves or rejects the newest dry run for your organisation. Approved: the purges that follow ' +
      'remove your records that were due on the dry run’s day; rejected: none of them.',
    errors: {
      ...retentionErrors,
      result: { description: 'The verdict recorded when it succeeded.' },
      union: { description: 'The verdict recorded, or why it was refused.' },
      dataField: { description: 'The verdict recorded.' },
    },
    args: {
      input: t.arg({
        type: DecideProposalInput,
        description: 'The proposal and the verdict.',
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = await requireRetention(ctx, 'change');
      const organizationId = organizationOf(input.organizationId, actor.organizationId);
      const runId = idOf(input.proposalId, 'PurgeRecord', 'input.proposalId');
      await decideProposal(ctx.prisma, actor, {
        runId,
        organizationId,
        approve: input.approve,
        comment: input.comment ?? null,
      });
      return ctx.prisma.retentionProposalDecision.findUniqueOrThrow({
        ...selecting(query),
        where: { runId_organizationId: { runId, organizationId } },
      });
    },
  }),
);
