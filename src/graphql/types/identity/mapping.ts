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
import { actorOf, asGraphQL, IdentityInputError, identityOf, requireIdentity } from './common.js';

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

const RULE_SET_NAME_MAX = 100;

builder.mutationField('createMappingRuleSet', (t) =>
  t.field({
    type: MappingRuleSet,
    description:
      'Stores a new rule set as its version 1; an IdP uses it once `ruleSetId` names it. Refused, with nothing stored, when the name is blank, too long or taken (ALREADY_EXISTS), or a rule is invalid (INVALID_MAPPING_RULES, with the field).',
    args: {
      name: t.arg.string({
        required: true,
        description: `A name no other rule set has (1–${RULE_SET_NAME_MAX} characters; trimmed).`,
      }),
      definition: t.arg({
        type: 'JSONObject',
        required: true,
        description: 'The rules (docs/federation/README.md; examples in docs/federation/*.json).',
      }),
      comment: t.arg.string({ required: false, description: 'Why it was made (the history).' }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      const name = args.name.trim();
      if (name.length === 0 || name.length > RULE_SET_NAME_MAX) {
        throw new IdentityInputError(
          'INVALID_NAME',
          `Give the rule set a name (1–${RULE_SET_NAME_MAX} characters).`,
          'name',
        );
      }
      return asGraphQL(() =>
        identityOf(ctx).ruleSets.create(
          { name, definition: args.definition, comment: args.comment ?? undefined },
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
    args: {
      id: t.arg.id({ required: true }),
      definition: t.arg({ type: 'JSONObject', required: true }),
      comment: t.arg.string({ required: false }),
      expectedVersion: t.arg.int({ required: false }),
    },
    resolve: (_root, args, ctx) => {
      const admin = requireIdentity(ctx, 'ADMINISTER_IDENTITY');
      return asGraphQL(() =>
        identityOf(ctx).ruleSets.update(
          {
            ruleSetId: String(args.id),
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
        if ((args.attributes == null) === (args.assertionXml == null)) {
          throw new IdentityInputError('BAD_INPUT', 'Give either attributes or assertionXml.');
        }
        let definition = args.definition ? parseRuleSetDefinition(args.definition) : null;
        let version = 0;
        if (!definition) {
          const ruleSetId = args.ruleSetId
            ? String(args.ruleSetId)
            : args.idpSlug
              ? (await identity.idps.require(args.idpSlug)).ruleSetId
              : null;
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
