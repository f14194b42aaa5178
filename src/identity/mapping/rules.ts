import { z } from 'zod';
import { ROLES } from '../../authz/roles.js';

/**
 * A mapping rule set's definition, as identity admins edit it (GraphQL, CLI) and as it is
 * stored in identity_mapping_rule_set_version.definition. Everything that reaches the
 * database passes `parseRuleSetDefinition`; an invalid regex or an unknown role is a clear
 * error and nothing is stored.
 */

export const MAX_PATTERN_LENGTH = 200;
/** Attribute values longer than this are never matched (keeps regex matching cheap). */
export const MAX_MATCHED_VALUE_LENGTH = 512;

const attributeName = z.string().trim().min(1).max(300);

export const matchSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), value: z.string().min(1).max(300) }),
  z.object({
    kind: z.literal('oneOf'),
    values: z.array(z.string().min(1).max(300)).min(1).max(100),
  }),
  z.object({ kind: z.literal('regex'), pattern: z.string().min(1).max(MAX_PATTERN_LENGTH) }),
]);
export type AttributeMatch = z.infer<typeof matchSchema>;

export const roleRuleSchema = z.object({
  /** A short name the dry-run and the audit log show. */
  name: z.string().trim().min(1).max(100),
  attribute: attributeName,
  match: matchSchema,
  roles: z.array(z.enum(ROLES)).min(1),
});
export type RoleRule = z.infer<typeof roleRuleSchema>;

/**
 * Where commissions are read from. INERA: the current http://sambi.se/attributes/1/ names;
 * SAMBI_LEGACY: the older urn:sambi:names:attribute: names; CUSTOM: a municipality's own.
 */
export const COMMISSION_PROFILES = ['INERA', 'SAMBI_LEGACY', 'CUSTOM'] as const;
export type CommissionProfile = (typeof COMMISSION_PROFILES)[number];

export const attributeNamesSchema = z.object({
  employeeHsaId: attributeName,
  givenName: attributeName.optional(),
  surname: attributeName.optional(),
  displayName: attributeName.optional(),
  commissionHsaId: attributeName.optional(),
  commissionName: attributeName.optional(),
  commissionPurpose: attributeName.optional(),
  commissionRight: attributeName.optional(),
  unitHsaId: attributeName,
  providerHsaId: attributeName.optional(),
  levelOfAssurance: attributeName.optional(),
});
export type AttributeNames = z.infer<typeof attributeNamesSchema>;

const hsaId = z
  .string()
  .regex(/^SE[0-9]{10}-[A-Za-z0-9]+$/, 'must be an HSA-ID such as SE2321000016-7P4K')
  .max(31);

/**
 * Who the person is. `identifierAttribute` is the attribute whose value becomes the
 * principal's HSA-ID (default: the profile's employeeHsaId attribute). With
 * `nameIdMustMatch`, a login whose NameID is not exactly that value is refused
 * (SUBJECT_MISMATCH): the IdP would be naming two people in one assertion.
 */
export const subjectRuleSchema = z.object({
  identifierAttribute: attributeName.optional(),
  nameIdMustMatch: z.boolean(),
});
export type SubjectRule = z.infer<typeof subjectRuleSchema>;

export const ruleSetDefinitionSchema = z
  .object({
    roleRules: z.array(roleRuleSchema).max(200),
    /** Absent in versions stored before it existed: the NameID is then not compared. */
    subject: subjectRuleSchema.optional(),
    commissions: z.object({
      profile: z.enum(COMMISSION_PROFILES),
      /** Required for CUSTOM; for INERA and SAMBI_LEGACY it overrides single names. */
      attributes: attributeNamesSchema.partial().optional(),
      /** For IdPs that do not send them (a municipality's own IdP): a fixed value. */
      defaultProviderHsaId: hsaId.optional(),
      defaultPurpose: z.string().min(1).max(100).optional(),
    }),
  })
  .superRefine((definition, ctx) => {
    definition.roleRules.forEach((rule, index) => {
      if (rule.match.kind !== 'regex') return;
      const problem = regexProblem(rule.match.pattern);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleRules', index, 'match', 'pattern'],
          message: `rule "${rule.name}": ${problem}`,
        });
      }
    });
    const names = new Set<string>();
    definition.roleRules.forEach((rule, index) => {
      if (names.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleRules', index, 'name'],
          message: `rule name "${rule.name}" is used twice`,
        });
      }
      names.add(rule.name);
    });
    const identifier = definition.subject?.identifierAttribute;
    const employeeHsaId = definition.commissions.attributes?.employeeHsaId;
    if (identifier && employeeHsaId && identifier !== employeeHsaId) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject', 'identifierAttribute'],
        message: `the person's identifier is named twice, differently (${identifier} and commissions.attributes.employeeHsaId ${employeeHsaId})`,
      });
    }
    if (definition.commissions.profile === 'CUSTOM') {
      const parsed = attributeNamesSchema.safeParse({
        ...(identifier ? { employeeHsaId: identifier } : {}),
        ...(definition.commissions.attributes ?? {}),
      });
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          path: ['commissions', 'attributes'],
          message:
            'a CUSTOM profile names at least the unitHsaId attribute and the employeeHsaId attribute (or subject.identifierAttribute)',
        });
      }
    }
  });
export type RuleSetDefinition = z.infer<typeof ruleSetDefinitionSchema>;

export class InvalidRuleSetError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(`invalid mapping rules: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/**
 * The subject rule a new rule set gets when its definition leaves it out. The Inera-style
 * profiles (INERA, SAMBI_LEGACY) come from the federation's IdPs, which put the person's
 * HSA-ID in the NameID: requiring agreement costs nothing there and refuses an assertion
 * that names two people. A CUSTOM (municipal) IdP often sends an e-mail address or an
 * opaque persistent NameID, so it is not compared unless the admin says so.
 */
export function defaultSubjectRule(definition: RuleSetDefinition): SubjectRule {
  return { nameIdMustMatch: definition.commissions.profile !== 'CUSTOM' };
}

export function parseRuleSetDefinition(input: unknown): RuleSetDefinition {
  const parsed = ruleSetDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidRuleSetError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(root)',
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}

/**
 * Why a pattern is refused, or null. Patterns are compiled with the `u` flag and always
 * matched against the whole value; nested quantifiers (catastrophic backtracking) and
 * back-references are refused because a directory value must never stall a login.
 */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (/\([^()]*[+*}][^()]*\)\s*[+*{]/.test(pattern)) {
    return 'nested quantifiers such as (a+)+ are not allowed';
  }
  return null;
}

export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}
