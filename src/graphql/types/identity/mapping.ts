import { encodeGlobalID } from '@pothos/plugin-relay';
import type { IdentityMappingRuleSet } from '../../../db/generated/prisma/client.js';
import type { MappingResult } from '../../../identity/mapping/evaluate.js';
import {
  collectAttributes,
  evaluateMapping,
  mappedAttributeNames,
} from '../../../identity/mapping/evaluate.js';
import { parseRuleSetDefinition, type RuleSetDefinition } from '../../../identity/mapping/rules.js';
import { attributesForDryRun } from '../../../identity/saml/acs.js';
import { builder } from '../../builder.js';
import { BadInputError } from '../../errors.js';
import { uuidOrIdOfType } from '../../global-id.js';
import {
  actorOf,
  asGraphQL,
  asIdentityResult,
  IdentityInputError,
  identityIdArg,
  identityOf,
  identityResult,
  requireIdentity,
} from './common.js';

const SubjectRuleRef = builder
  .objectRef<{ identifierAttribute: string; nameIdMustMatch: boolean }>('MappingSubjectRule')
  .implement({
    description:
      "The person's identifier and the NameID check of a rule set version (definition.subject).",
    fields: (t) => ({
      identifierAttribute: t.exposeString('identifierAttribute', {
        description: "The attribute whose value is the person's HSA-ID (the principal's).",
      }),
      nameIdMustMatch: t.exposeBoolean('nameIdMustMatch', {
        description:
          'When true, a login whose NameID is not exactly that value is refused (SUBJECT_MISMATCH) and audited.',
      }),
    }),
  });

function subjectRuleOf(definition: RuleSetDefinition) {
  return {
    identifierAttribute: mappedAttributeNames(definition).employeeHsaId,
    nameIdMustMatch: definition.subject?.nameIdMustMatch ?? false,
  };
}

const RuleSetVersion = builder
  .objectRef<{
    version: number;
    definition: unknown;
    comment: string;
    createdBy: string;
    createdAt: Date;
  }>('MappingRuleSetVersion')
  .implement({
    fields: (t) => ({
      version: t.exposeInt('version'),
      definition: t.field({
        type: 'JSONObject',
        resolve: (v) => v.definition as Record<string, unknown>,
      }),
      subject: t.field({
        type: SubjectRuleRef,
        description:
          "Who the person is and whether the NameID must agree. Versions stored before this setting existed answer { identifierAttribute: the profile's employeeHsaId, nameIdMustMatch: false }.",
        resolve: (v) => subjectRuleOf(parseRuleSetDefinition(v.definition)),
      }),
      comment: t.exposeString('comment'),
      createdBy: t.exposeString('createdBy'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

export const MappingRuleSet = builder
  .objectRef<IdentityMappingRuleSet>('MappingRuleSet')
  .implement({
    description:
      'How IdP attributes become roles and commissions. Definition: { roleRules: [{ name, attribute, match: { kind: exact|oneOf|regex, value|values|pattern }, roles }], subject?: { identifierAttribute?, nameIdMustMatch }, commissions: { profile: INERA|SAMBI_LEGACY|CUSTOM, attributes?, defaultProviderHsaId?, defaultPurpose? } }. A new rule set without `subject` gets nameIdMustMatch true for INERA and SAMBI_LEGACY, false for CUSTOM; a new version without `subject` keeps the current one.',
    fields: (t) => ({
      id: t.exposeID('id'),
      globalId: t.id({
        description:
          'The global id: what `updateMappingRuleSet(id:)`, `mappingDryRun(ruleSetId:)` and an IdP’s `ruleSetId` take.',
        resolve: (set) => encodeGlobalID('MappingRuleSet', set.id),
      }),
      name: t.exposeString('name'),
      currentVersion: t.exposeInt('currentVersion'),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      current: t.field({
        type: RuleSetVersion,
        resolve: async (set, _args, ctx) =>
          ctx.prisma.identityMappingRuleSetVersion.findUniqueOrThrow({
            where: { ruleSetId_version: { ruleSetId: set.id, version: set.currentVersion } },
          }),
      }),
      versions: t.field({
        type: [RuleSetVersion],
        description: 'Every version, newest first.',
        resolve: (set, _args, ctx) =>
          ctx.prisma.identityMappingRuleSetVersion.findMany({
            where: { ruleSetId: set.id },
            orderBy: { version: 'desc' },
          }),
      }),
    }),
  });

builder.queryField('mappingRuleSets', (t) =>
  t.field({
    type: [MappingRuleSet],
    resolve: (_root, _args, ctx) => {
      requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return ctx.prisma.identityMappingRuleSet.findMany({ orderBy: { name: 'asc' } });
    },
  }),
);

builder.mutationField('createMappingRuleSet', (t) =>
  t.field({
    type: MappingRuleSet,
    description:
      'Creates a rule set with its first version. Refused, with nothing stored, when a rule is invalid.',
    errors: identityResult('createMappingRuleSet', 'mappingRuleSet', 'the rule set as created'),
    args: {
      name: t.arg.string({
        required: true,
        description: 'A name no other rule set has.',
      }),
      definition: t.arg({
        type: 'JSONObject',
        required: true,
        description: 'The rules (see MappingRuleSet).',
      }),
      comment: t.arg.string({
        required: false,
        description: 'Why, kept with the version.',
      }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(() =>
        identityOf(ctx).ruleSets.create(
          { name: args.name, definition: args.definition, comment: args.comment ?? undefined },
          actorOf(admin),
        ),
      );
    },
  }),
);

builder.mutationField('updateMappingRuleSet', (t) =>
  t.field({
    type: MappingRuleSet,
    description:
      'Stores a new version and makes it current: the next login and the next token refresh use it. Refused, with nothing stored, when a rule is invalid (e.g. a regex that does not compile) or someone saved since `expectedVersion`.',
    errors: identityResult(
      'updateMappingRuleSet',
      'mappingRuleSet',
      'the rule set with its new current version',
    ),
    args: {
      id: t.arg.id({
        required: true,
        description:
          'The rule set: its global id (MappingRuleSet.globalId); the raw UUID is still taken but deprecated.',
      }),
      definition: t.arg({
        type: 'JSONObject',
        required: true,
        description: 'The whole new definition (see MappingRuleSet).',
      }),
      comment: t.arg.string({
        required: false,
        description: 'What changed, kept with the version.',
      }),
      expectedVersion: t.arg.int({
        required: false,
        description:
          'The version the edit was based on; refused with CONCURRENT_MODIFICATION when another was saved since.',
      }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asIdentityResult(() =>
        identityOf(ctx).ruleSets.update(
          {
            ruleSetId: identityIdArg(args.id, 'MappingRuleSet', 'id'),
            definition: args.definition,
            comment: args.comment ?? undefined,
            expectedVersion: args.expectedVersion ?? undefined,
          },
          actorOf(admin),
        ),
      );
    },
  }),
);

const AttributeInput = builder.inputType('SamlAttributeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    values: t.stringList({ required: true }),
  }),
});

const RuleOutcome = builder
  .objectRef<MappingResult['rules'][number]>('MappingRuleOutcome')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      attribute: t.exposeString('attribute'),
      matched: t.exposeBoolean('matched'),
      roles: t.exposeStringList('roles'),
      explanation: t.exposeString('explanation'),
    }),
  });

const DryRunCommission = builder
  .objectRef<{
    hsaId?: string | null;
    name?: string | null;
    unitHsaId?: string;
    providerHsaId?: string;
    purpose?: string;
  }>('DryRunCommission')
  .implement({
    fields: (t) => ({
      hsaId: t.string({ nullable: true, resolve: (c) => c.hsaId ?? null }),
      name: t.string({ nullable: true, resolve: (c) => c.name ?? null }),
      unitHsaId: t.string({ nullable: true, resolve: (c) => c.unitHsaId ?? null }),
      providerHsaId: t.string({ nullable: true, resolve: (c) => c.providerHsaId ?? null }),
      purpose: t.string({ nullable: true, resolve: (c) => c.purpose ?? null }),
    }),
  });

const RefusedCommission = builder
  .objectRef<MappingResult['refusedCommissions'][number]>('RefusedCommission')
  .implement({
    fields: (t) => ({
      commission: t.field({ type: DryRunCommission, resolve: (r) => r.commission }),
      reason: t.exposeString('reason'),
    }),
  });

const AmbiguousAttributeRef = builder
  .objectRef<MappingResult['ambiguousAttributes'][number]>('AmbiguousAttribute')
  .implement({
    fields: (t) => ({
      attribute: t.exposeString('attribute'),
      reason: t.exposeString('reason'),
    }),
  });

const DryRunResult = builder
  .objectRef<MappingResult & { ruleSetVersion: number }>('MappingDryRunResult')
  .implement({
    description: 'The principal a login with these attributes would produce, and why.',
    fields: (t) => ({
      grantsAccess: t.boolean({ resolve: (r) => r.denialReasons.length === 0 }),
      hsaId: t.exposeString('hsaId', { nullable: true }),
      name: t.exposeString('name'),
      roles: t.exposeStringList('roles'),
      commissions: t.field({ type: [DryRunCommission], resolve: (r) => r.commissions }),
      refusedCommissions: t.field({
        type: [RefusedCommission],
        resolve: (r) => r.refusedCommissions,
      }),
      levelOfAssurance: t.exposeString('levelOfAssurance', { nullable: true }),
      rules: t.field({ type: [RuleOutcome], resolve: (r) => r.rules }),
      ambiguousAttributes: t.field({
        type: [AmbiguousAttributeRef],
        description:
          'Mapped attributes without a single reading (two units, two identifiers …); any of them refuses the login with AMBIGUOUS_ATTRIBUTE.',
        resolve: (r) => r.ambiguousAttributes,
      }),
      denialReasons: t.exposeStringList('denialReasons', {
        description: 'Empty when the login gives access.',
      }),
      ruleSetVersion: t.exposeInt('ruleSetVersion'),
    }),
  });

/** The dry-run's rule set id (global or raw UUID); INVALID_ID as a request error otherwise. */
function dryRunRuleSetId(value: string | number): string {
  const id = uuidOrIdOfType(value, 'MappingRuleSet');
  if (id === null)
    throw new BadInputError(
      'INVALID_ID',
      'ruleSetId is not the id of a MappingRuleSet.',
      'ruleSetId',
    );
  return id;
}

builder.queryField('mappingDryRun', (t) =>
  t.field({
    type: DryRunResult,
    description:
      "Runs a rule set (the IdP's current one, or `definition` to try an edit before saving) on attributes or on a pasted Response/Assertion. Grants nothing; verifies no signature.",
    args: {
      idpSlug: t.arg.string({ required: false }),
      ruleSetId: t.arg.id({ required: false }),
      definition: t.arg({ type: 'JSONObject', required: false }),
      attributes: t.arg({ type: [AttributeInput], required: false }),
      assertionXml: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => {
      requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      const identity = identityOf(ctx);
      return asGraphQL(async () => {
        const chosenRuleSetId = args.ruleSetId == null ? null : dryRunRuleSetId(args.ruleSetId);
        if ((args.attributes == null) === (args.assertionXml == null)) {
          throw new IdentityInputError('BAD_INPUT', 'Give either attributes or assertionXml.');
        }
        let definition = args.definition ? parseRuleSetDefinition(args.definition) : null;
        let version = 0;
        if (!definition) {
          const ruleSetId =
            chosenRuleSetId ??
            (args.idpSlug ? (await identity.idps.require(args.idpSlug)).ruleSetId : null);
          if (!ruleSetId)
            throw new IdentityInputError(
              'BAD_USER_INPUT',
              'Name an IdP, a rule set or give a definition.',
            );
          const current = await identity.ruleSets.current(ruleSetId);
          definition = current.definition;
          version = current.version;
        }
        const { attributes, repeated } = args.assertionXml
          ? attributesForDryRun(args.assertionXml)
          : collectAttributes(args.attributes ?? []);
        const result = evaluateMapping(definition, attributes, {
          acceptedPurposes: identity.settings.acceptedPurposes,
          repeatedAttributes: repeated,
        });
        return { ...result, ruleSetVersion: version };
      });
    },
  }),
);
