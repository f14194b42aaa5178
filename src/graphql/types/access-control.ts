import type { GraphQLResolveInfo } from 'graphql';
import { blockedFor } from '../../authz/case-facts.js';
import { type DenialReason, decideField, grantsFor } from '../../authz/decide.js';
import { FIELD_CATEGORIES, type FieldCategory } from '../../authz/field-categories.js';
import {
  EMERGENCY_ACCESS_MINUTES,
  EMERGENCY_ACCESS_ROLES,
  ORGANISATION_WIDE_ROLES,
  POLICY_VERSION,
} from '../../authz/policy.js';
import { maySee, SEEN_WITH } from '../../authz/visibility.js';
import { CommandError } from '../../cases/command-error.js';
import type { Tx } from '../../db/case-repository.js';
import { parsePersonalIdentityNumber } from '../../domain/personal-identity-number.js';
import { builder } from '../builder.js';
import {
  type CommandAnswerReads,
  caseCommandAnswerReads,
  commandAccessLog,
  patientCommandAnswerReads,
  queryableOf,
} from '../command-access.js';
import type { Context } from '../context.js';
import { BadInputError } from '../errors.js';
import { decodeId, idOfType } from '../global-id.js';
import { Case } from './case.js';
import { Patient } from './patient.js';
import { actingIn } from './workflow-mutations.js';

/**
 * Access control that people act on: emergency access (nödöppning), the patient's block
 * (spärr), and the support question "why may (or may not) I see this field?".
 */

/** What each category holds, for the schema; the type makes a new category need one. */
const FIELD_CATEGORY_DESCRIPTIONS: Record<FieldCategory, string> = {
  IDENTITY: 'Who the patient is: name, personnummer, home municipality.',
  PROTECTED_IDENTITY:
    'The same for a patient with protected identity (skyddade personuppgifter); granted more narrowly.',
  MEDICAL:
    'Health care information: diagnoses, functional status, medication (hälso- och sjukvård).',
  SOCIAL: 'Social services’ assessments and decisions (socialtjänst).',
  PLANNING: 'The discharge planning: dates, parties, care plans, messages and notes.',
  ADMINISTRATIVE: 'What running the process needs: references, statuses, units.',
  FINANCIAL: 'Payment responsibility, invoices and prices.',
  AUDIT: 'Access logs and identity logs.',
  FEDERATION: 'Login federation set-up: identity providers, mapping rules, keys.',
  RETENTION: 'Retention policies, legal holds and purge records (gallring); no patient data.',
};

export const FieldCategoryEnum = builder.enumType('FieldCategory', {
  description:
    'The kind of information a field holds; roles are granted actions on categories, not on single fields (docs/authorization.md).',
  values: Object.fromEntries(
    FIELD_CATEGORIES.map((c) => [c, { description: FIELD_CATEGORY_DESCRIPTIONS[c] }]),
  ) as Record<FieldCategory, { description: string }>,
});
export const RedactionReason = builder.enumType('RedactionReason', {
  description: 'Why a field answers null; also used in `extensions.redactions` of responses.',
  values: {
    NOT_SIGNED_IN: {
      description: 'No valid access token, or no acting commission: sign in first.',
    },
    NOT_GRANTED: { description: 'None of your roles is granted this kind of information.' },
    CONSENT_REQUIRED: {
      description:
        'Needs the patient’s consent (samtycke) to share between region and municipality.',
    },
    PATIENT_BLOCK: {
      description: 'The patient has blocked (spärr) this information from your organisation.',
    },
    NO_CASE_WITH_PERSON: {
      description:
        'Protected identity (skyddade personuppgifter): the name goes only to a unit that has a case with the person.',
    },
  } as const,
});

const commandResult = (name: string, answer: string, done: string) => ({
  types: [CommandError],
  dataField: { name, description: answer },
  result: { description: `${done}: ${answer.charAt(0).toLowerCase()}${answer.slice(1)}` },
  union: { description: `${answer.slice(0, -1)}; or a CommandError saying why it was refused.` },
});

const OpenEmergencyAccessInput = builder.inputType('OpenEmergencyAccessInput', {
  description: 'Whose case to open in an emergency (nödöppning), and why.',
  fields: (t) => ({
    personalIdentityNumber: t.string({
      description:
        'The patient’s personnummer or samordningsnummer; their latest open case is opened.',
    }),
    reason: t.string({
      description:
        'Why the patient’s consent cannot be obtained and access cannot wait (at least 10 characters).',
    }),
  }),
});

builder.mutationField('openEmergencyAccess', (t) =>
  t.field({
    type: Case,
    description: `Nödöppning: opens the patient's latest open case to you, in your acting unit, for ${EMERGENCY_ACCESS_MINUTES} minutes. Logged as emergency access and always flagged for review.`,
    authScopes: { authenticated: true },
    errors: commandResult(
      'case',
      'The case now open to you until the emergency access expires.',
      'Emergency access opened',
    ),
    args: {
      input: t.arg({ type: OpenEmergencyAccessInput, description: 'The patient and the reason.' }),
    },
    resolve: async (_root, { input }, ctx, info) => {
      const { actor, principal } = actingIn(ctx);
      if (!principal.roles.some((r) => EMERGENCY_ACCESS_ROLES.includes(r))) {
        throw new CommandError('FORBIDDEN', 'Only care staff may open a case in an emergency.');
      }
      const reason = input.reason.trim();
      if (reason.length < 10) {
        throw new CommandError(
          'INVALID_INPUT',
          'Give the reason for emergency access in at least 10 characters.',
          'reason',
        );
      }
      const parsed = parsePersonalIdentityNumber(input.personalIdentityNumber);
      if (!parsed.ok) {
        throw new CommandError(
          'INVALID_PERSONAL_IDENTITY_NUMBER',
          parsed.error.message,
          'personalIdentityNumber',
        );
      }
      const target = await ctx.prisma.case.findFirst({
        where: {
          patient: { personalIdentityNumber: parsed.value.number },
          status: { not: 'CLOSED' },
        },
        orderBy: { admittedAt: 'desc' },
      });
      if (!target)
        throw new CommandError(
          'CASE_NOT_FOUND',
          'The patient has no open case.',
          'personalIdentityNumber',
        );
      const now = ctx.now();
      const accessLog = commandAccessLog(ctx, info);
      let reads: CommandAnswerReads | undefined;
      await ctx.prisma.$transaction(async (tx) => {
        await tx.emergencyAccess.create({
          data: {
            caseId: target.id,
            userHsaId: principal.hsaId,
            userName: principal.name,
            unitId: actor.unitId,
            reason,
            grantedAt: now,
            expiresAt: new Date(now.getTime() + EMERGENCY_ACCESS_MINUTES * 60_000),
          },
        });
        // The grant and its log row commit together: no emergency access without its row,
        // which names what the answer reads under the grant as well.
        reads = await caseCommandAnswerReads(ctx, info, tx, target.id);
        await accessLog.append(queryableOf(tx), [
          {
            patientId: target.patientId,
            caseId: target.id,
            categories: ['IDENTITY', ...reads.categories],
            activity: 'EMERGENCY_ACCESS',
            emergencyAccess: true,
          },
        ]);
      });
      accessLog.committed();
      reads?.adopt();
      return target;
    },
  }),
);

const PatientBlockInput = builder.inputType('PatientBlockInput', {
  description:
    'The patient whose block (spärr) of your organisation’s information to register or lift.',
  fields: (t) => ({
    patientId: t.id({
      description: 'The patient’s global id (`Patient.id`), a patient in a case of your unit.',
    }),
  }),
});

async function blockablePatient(ctx: Context, patientGlobalId: string | number) {
  const { actor, principal } = actingIn(ctx);
  if (grantsFor(principal.roles, 'IDENTITY', 'change').length === 0) {
    throw new CommandError('FORBIDDEN', 'Your roles may not register blocks.');
  }
  const patientId = idOfType(patientGlobalId, 'Patient');
  if (patientId === null) {
    throw new CommandError('INVALID_ID', 'patientId is not the id of a Patient.', 'patientId');
  }
  const patient = await ctx.prisma.patient.findFirst({
    where: {
      id: patientId,
      cases: { some: { parties: { some: { unitId: actor.unitId, leftAt: null } } } },
    },
  });
  if (!patient)
    throw new CommandError(
      'CASE_NOT_FOUND',
      'No such patient among the cases of your unit.',
      'patientId',
    );
  return { actor, principal, patient };
}

/**
 * A block or its lifting changes what the patient's record shows, outside any one case;
 * the row names what the answer reads of the patient's own fields as well.
 */
async function blockChange(
  ctx: Context,
  info: GraphQLResolveInfo,
  tx: Tx,
  patient: { id: string; protectedIdentity: boolean },
) {
  const answer = await patientCommandAnswerReads(ctx, info, tx, patient);
  return {
    patientId: patient.id,
    caseId: null,
    categories: ['IDENTITY' as const, ...answer],
    activity: 'CHANGE' as const,
  };
}

builder.mutationField('registerPatientBlock', (t) =>
  t.field({
    type: Patient,
    description:
      'Spärr: at the patient’s request, blocks your organisation’s information about the patient from every other organisation.',
    authScopes: { authenticated: true },
    errors: commandResult(
      'patient',
      'The patient; your organisation’s information about them is now blocked from every other organisation.',
      'Block registered',
    ),
    args: { input: t.arg({ type: PatientBlockInput, description: 'The patient.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { actor, principal, patient } = await blockablePatient(ctx, input.patientId);
      const accessLog = commandAccessLog(ctx, info);
      await ctx.prisma.$transaction(async (tx) => {
        const existing = await tx.patientBlock.findFirst({
          where: {
            patientId: patient.id,
            blockedOrganizationId: actor.organizationId,
            liftedAt: null,
          },
        });
        if (!existing) {
          await tx.patientBlock.create({
            data: {
              patientId: patient.id,
              blockedOrganizationId: actor.organizationId,
              registeredByHsaId: principal.hsaId,
              registeredAt: ctx.now(),
            },
          });
        }
        await accessLog.append(queryableOf(tx), [await blockChange(ctx, info, tx, patient)]);
      });
      accessLog.committed();
      return patient;
    },
  }),
);

builder.mutationField('liftPatientBlock', (t) =>
  t.field({
    type: Patient,
    description: 'Lifts the patient’s block of your organisation’s information.',
    authScopes: { authenticated: true },
    errors: commandResult(
      'patient',
      'The patient; your organisation’s information about them is no longer blocked.',
      'Block lifted',
    ),
    args: { input: t.arg({ type: PatientBlockInput, description: 'The patient.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { actor, principal, patient } = await blockablePatient(ctx, input.patientId);
      const accessLog = commandAccessLog(ctx, info);
      await ctx.prisma.$transaction(async (tx) => {
        const lifted = await tx.patientBlock.updateMany({
          where: {
            patientId: patient.id,
            blockedOrganizationId: actor.organizationId,
            liftedAt: null,
          },
          data: { liftedAt: ctx.now(), liftedByHsaId: principal.hsaId },
        });
        if (lifted.count === 0) {
          throw new CommandError(
            'INVALID_STATE',
            'Your organisation has no active block for this patient.',
            'patientId',
          );
        }
        await accessLog.append(queryableOf(tx), [await blockChange(ctx, info, tx, patient)]);
      });
      accessLog.committed();
      return patient;
    },
  }),
);

const AccessExplanation = builder
  .objectRef<{
    field: string;
    category: FieldCategory;
    caseVisible: boolean;
    rowRule: string;
    allowed: boolean;
    reason: DenialReason | null;
    rule: string;
    policyVersion: string;
  }>('AccessExplanation')
  .implement({
    description: 'Which rule allowed or denied the caller a field of a case.',
    fields: (t) => ({
      field: t.exposeString('field', { description: 'The field asked about, as Type.field.' }),
      category: t.field({
        type: FieldCategoryEnum,
        description:
          'The field’s category; a field whose category depends on the object is explained as MEDICAL, its strictest.',
        resolve: (e) => e.category,
      }),
      caseVisible: t.exposeBoolean('caseVisible', {
        description: 'Whether the row rule lets you see the case at all.',
      }),
      rowRule: t.exposeString('rowRule', {
        description:
          'The row rule that decided, in words, e.g. "your acting unit takes part in the case".',
      }),
      allowed: t.exposeBoolean('allowed', {
        description: 'Both the row rule and the field rule allow it.',
      }),
      reason: t.field({
        type: RedactionReason,
        nullable: true,
        description: 'Why the field rule denies it; null when it allows it.',
        resolve: (e) => e.reason,
      }),
      rule: t.exposeString('rule', { description: 'The field rule that decided, in words.' }),
      policyVersion: t.exposeString('policyVersion', {
        description: 'The version of the access policy that decided (docs/authorization.md).',
      }),
    }),
  });

builder.queryField('whyAccess', (t) =>
  t.field({
    type: AccessExplanation,
    description:
      'For support: why you may, or may not, read a field of a case, e.g. field "Case.dischargeInformation".',
    authScopes: { authenticated: true },
    args: {
      caseId: t.arg.id({ description: 'The case’s global id (`Case.id`).' }),
      field: t.arg.string({
        description: 'A field with patient data, as Type.field, e.g. "Case.dischargeInformation".',
      }),
    },
    resolve: async (_root, args, ctx, info) => {
      const [typeName, fieldName] = args.field.split('.');
      const type = typeName ? info.schema.getType(typeName) : undefined;
      const field =
        type && 'getFields' in type
          ? (type.getFields() as Record<string, { extensions?: { category?: string } }>)[
              fieldName ?? ''
            ]
          : undefined;
      const declared = field?.extensions?.category;
      if (!declared) {
        throw new BadInputError(
          'UNKNOWN_FIELD',
          `${args.field} is not a field with patient data (write Type.field).`,
          'field',
        );
      }
      // A category that depends on the object (an event's payload) is explained at its strictest.
      const category = (declared === 'BY_OBJECT' ? 'MEDICAL' : declared) as FieldCategory;
      const caseId = decodeId(args.caseId, 'Case', 'caseId');
      const row = await explainRowRule(ctx, caseId);
      const facts = await ctx.facts.load(caseId);
      const decision = decideField(
        ctx.principal,
        'read',
        facts?.protectedIdentity && category === 'IDENTITY' ? 'PROTECTED_IDENTITY' : category,
        {
          consentGiven: facts?.consentGiven ?? false,
          blockedForCaller:
            facts !== null && ctx.actor !== null && blockedFor(facts, ctx.actor.organizationId),
        },
      );
      return {
        field: args.field,
        category,
        caseVisible: row.visible,
        rowRule: row.rule,
        allowed: row.visible && decision.allowed,
        reason: decision.reason,
        rule: decision.rule,
        policyVersion: POLICY_VERSION,
      };
    },
  }),
);

async function explainRowRule(
  ctx: Context,
  caseId: string,
): Promise<{ visible: boolean; rule: string }> {
  const { actor, principal } = ctx;
  if (!actor || !principal)
    return { visible: false, rule: 'no acting commission in a unit Brygga knows' };
  if (!maySee(principal, 'case')) {
    return {
      visible: false,
      rule: `none of your roles reads ${SEEN_WITH.case}, which seeing a case needs`,
    };
  }
  const found = await ctx.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      parties: {
        where: { leftAt: null },
        select: { unitId: true, unit: { select: { organizationId: true } } },
      },
      emergencyAccesses: {
        where: { userHsaId: principal.hsaId, unitId: actor.unitId, expiresAt: { gt: ctx.now() } },
        select: { expiresAt: true },
      },
    },
  });
  if (!found) return { visible: false, rule: 'no such case' };
  if (found.parties.some((p) => p.unitId === actor.unitId)) {
    return { visible: true, rule: 'your acting unit takes part in the case' };
  }
  const orgWide = principal.roles.find((r) => ORGANISATION_WIDE_ROLES.includes(r));
  if (orgWide && found.parties.some((p) => p.unit.organizationId === actor.organizationId)) {
    return { visible: true, rule: `${orgWide} sees the cases of its organisation` };
  }
  const grant = found.emergencyAccesses[0];
  if (grant)
    return { visible: true, rule: `emergency access until ${grant.expiresAt.toISOString()}` };
  return { visible: false, rule: 'your acting unit does not take part in the case' };
}
