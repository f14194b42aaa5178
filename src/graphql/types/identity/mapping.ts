import { encodeGlobalID } from '@pothos/plugin-relay';
import type { IdentityMappingRuleSet } from '../../../db/generated/prisma/client.js';
import { IdentityCommandError } from '../../../identity/command-error.js';
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
import { globalIdOf, uuidOrIdOfType } from '../../global-id.js';
import {
  actorOf,
  asGraphQL,
  asIdentityResult,
  IdentityInputError,
  identityIdArg,
  identityNodeLoader,
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
    description: 'One saved version of a mapping rule set; versions are never changed.',
    fields: (t) => ({
      version: t.exposeInt('version', {
        description: 'The version number, from 1, one up per save.',
      }),
      definition: t.field({
        type: 'JSONObject',
        description: 'The rules as saved (the shape is described on MappingRuleSet).',
        resolve: (v) => v.definition as Record<string, unknown>,
      }),
      subject: t.field({
        type: SubjectRuleRef,
        description:
          "Who the person is and whether the NameID must agree. Versions stored before this setting existed answer { identifierAttribute: the profile's employeeHsaId, nameIdMustMatch: false }.",
        resolve: (v) => subjectRuleOf(parseRuleSetDefinition(v.definition)),
      }),
      comment: t.exposeString('comment', {
        description: 'Why it was saved; empty when no comment was given.',
      }),
      createdBy: t.exposeString('createdBy', {
        description: 'The identity admin who saved it, as "<HSA-ID> (<name>)".',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was saved.' }),
    }),
  });

export const MappingRuleSet = builder.node(
  builder.objectRef<IdentityMappingRuleSet>('MappingRuleSet'),
  {
    id: {
      description:
        'The global id: what `updateMappingRuleSet(id:)`, `mappingDryRun(ruleSetId:)`, an IdP’s `ruleSetId` and `node(id:)` take.',
      resolve: (set) => set.id,
    },
    loadOne: identityNodeLoader('ADMINISTER_IDENTITY', (id, ctx) =>
      ctx.prisma.identityMappingRuleSet.findUnique({ where: { id } }),
    ),
    description:
      'How IdP attributes become roles and commissions; `node(id:)` loads one for identity admins, as `mappingRuleSets` lists them (anyone else: FORBIDDEN). Definition: { roleRules: [{ name, attribute, match: { kind: exact|oneOf|regex, value|values|pattern }, roles }], subject?: { identifierAttribute?, nameIdMustMatch }, commissions: { profile: INERA|SAMBI_LEGACY|CUSTOM, attributes?, defaultProviderHsaId?, defaultPurpose? } }. A new rule set without `subject` gets nameIdMustMatch true for INERA and SAMBI_LEGACY, false for CUSTOM; a new version without `subject` keeps the current one.',
    fields: (t) => ({
      globalId: t.id({
        description: 'The global id, the same as `id`.',
        deprecationReason: '`id` is the global id now (MappingRuleSet is a Node); read `id`.',
        ...globalIdOf('MappingRuleSet'),
        resolve: (set) => encodeGlobalID('MappingRuleSet', set.id),
      }),
      name: t.exposeString('name', { description: 'The rule set’s name, for admins.' }),
      currentVersion: t.exposeInt('currentVersion', {
        description:
          'The version logins use now; pass it as `expectedVersion` when saving an edit.',
      }),
      updatedAt: t.expose('updatedAt', {
        type: 'DateTime',
        description: 'When a version was last saved.',
      }),
      current: t.field({
        type: RuleSetVersion,
        description: 'The version logins use now.',
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
  },
);

builder.queryField('mappingRuleSets', (t) =>
  t.field({
    type: [MappingRuleSet],
    description: 'Every mapping rule set, by name. Identity admins only.',
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
    errors: identityResult('createMappingRuleSet', 'mappingRuleSet', 'the rule set as created'),
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
      return asIdentityResult(async () => {
        if (name.length === 0 || name.length > RULE_SET_NAME_MAX) {
          throw new IdentityCommandError(
            'INVALID_INPUT',
            `Give the rule set a name (1–${RULE_SET_NAME_MAX} characters).`,
            'name',
          );
        }
        return identityOf(ctx).ruleSets.create(
          { name, definition: args.definition, comment: args.comment ?? undefined },
          actorOf(admin),
        );
      });
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
          'The rule set: its global id (`MappingRuleSet.id`); the raw UUID is still taken but deprecated.',
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
  description: 'One SAML attribute as an IdP would send it.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'The attribute name, e.g. "http://sambi.se/attributes/1/employeeHsaId".',
    }),
    values: t.stringList({
      required: true,
      description: 'Its values, in order (multi-valued attributes pair by position).',
    }),
  }),
});

const RuleOutcome = builder
  .objectRef<MappingResult['rules'][number]>('MappingRuleOutcome')
  .implement({
    description: 'How one role rule fared in a dry run.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'The rule’s name in the definition.' }),
      attribute: t.exposeString('attribute', { description: 'The attribute the rule reads.' }),
      matched: t.exposeBoolean('matched', {
        description: 'Whether the attribute matched, granting the roles.',
      }),
      roles: t.exposeStringList('roles', {
        description: 'The roles the rule grants when it matches.',
      }),
      explanation: t.exposeString('explanation', {
        description: 'Why it matched or not, in words (the values seen and the match).',
      }),
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
    description:
      'A commission (medarbetaruppdrag) read from the attributes; a field is null when the attributes did not give it.',
    fields: (t) => ({
      hsaId: t.string({
        nullable: true,
        description: 'The commission’s HSA-ID.',
        resolve: (c) => c.hsaId ?? null,
      }),
      name: t.string({
        nullable: true,
        description: 'The commission’s name.',
        resolve: (c) => c.name ?? null,
      }),
      unitHsaId: t.string({
        nullable: true,
        description: 'The care unit the commission is for.',
        resolve: (c) => c.unitHsaId ?? null,
      }),
      providerHsaId: t.string({
        nullable: true,
        description: 'The unit’s care provider (from the attributes or the rule set’s default).',
        resolve: (c) => c.providerHsaId ?? null,
      }),
      purpose: t.string({
        nullable: true,
        description:
          'The commission’s purpose, e.g. "Vård och behandling" (or the rule set’s default).',
        resolve: (c) => c.purpose ?? null,
      }),
    }),
  });

const RefusedCommission = builder
  .objectRef<MappingResult['refusedCommissions'][number]>('RefusedCommission')
  .implement({
    description: 'A commission the login would not offer, and why.',
    fields: (t) => ({
      commission: t.field({
        type: DryRunCommission,
        description: 'What the attributes said of it.',
        resolve: (r) => r.commission,
      }),
      reason: t.exposeString('reason', {
        description: 'Why, e.g. no purpose, no care provider, or a purpose Brygga does not serve.',
      }),
    }),
  });

const AmbiguousAttributeRef = builder
  .objectRef<MappingResult['ambiguousAttributes'][number]>('AmbiguousAttribute')
  .implement({
    description: 'A mapped attribute without a single reading.',
    fields: (t) => ({
      attribute: t.exposeString('attribute', { description: 'The attribute name.' }),
      reason: t.exposeString('reason', { description: 'What makes it ambiguous, in words.' }),
    }),
  });

const DryRunResult = builder
  .objectRef<MappingResult & { ruleSetVersion: number }>('MappingDryRunResult')
  .implement({
    description: 'The principal a login with these attributes would produce, and why.',
    fields: (t) => ({
      grantsAccess: t.boolean({
        description: 'Whether such a login would be let in (no denial reasons).',
        resolve: (r) => r.denialReasons.length === 0,
      }),
      hsaId: t.exposeString('hsaId', {
        nullable: true,
        description: 'The person’s employee HSA-ID as read; null when the attribute is missing.',
      }),
      name: t.exposeString('name', {
        description: 'The person’s name as read from the attributes.',
      }),
      roles: t.exposeStringList('roles', { description: 'The roles the matching rules grant.' }),
      commissions: t.field({
        type: [DryRunCommission],
        description: 'The commissions the user could choose at login.',
        resolve: (r) => r.commissions,
      }),
      refusedCommissions: t.field({
        type: [RefusedCommission],
        description: 'Commissions in the attributes that would not be offered, with why.',
        resolve: (r) => r.refusedCommissions,
      }),
      levelOfAssurance: t.exposeString('levelOfAssurance', {
        nullable: true,
        description:
          'The level of assurance as sent (e.g. "http://id.sambi.se/loa/loa3"); null when absent.',
      }),
      rules: t.field({
        type: [RuleOutcome],
        description: 'Each role rule, matched or not, in definition order.',
        resolve: (r) => r.rules,
      }),
      ambiguousAttributes: t.field({
        type: [AmbiguousAttributeRef],
        description:
          'Mapped attributes without a single reading (two units, two identifiers …); any of them refuses the login with AMBIGUOUS_ATTRIBUTE.',
        resolve: (r) => r.ambiguousAttributes,
      }),
      denialReasons: t.exposeStringList('denialReasons', {
        description: 'Empty when the login gives access.',
      }),
      ruleSetVersion: t.exposeInt('ruleSetVersion', {
        description: 'The rule-set version run; 0 for a `definition` given in the query.',
      }),
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
      idpSlug: t.arg.string({ required: false, description: 'Run this IdP’s current rule set.' }),
      ruleSetId: t.arg.id({ required: false, description: 'Run this rule set’s current version.' }),
      definition: t.arg({
        type: 'JSONObject',
        required: false,
        description: 'Run this unsaved definition instead (wins over idpSlug and ruleSetId).',
      }),
      attributes: t.arg({
        type: [AttributeInput],
        required: false,
        description: 'The attributes to map; or give assertionXml (exactly one of the two).',
      }),
      assertionXml: t.arg.string({
        required: false,
        description:
          'A pasted SAML Response or Assertion to read the attributes from; its signature is not checked.',
      }),
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
