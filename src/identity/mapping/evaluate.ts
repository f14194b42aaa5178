import type { Commission } from '../../authz/principal.js';
import type { Role } from '../../authz/roles.js';
import { type AmbiguousAttribute, ambiguousAttributes } from './ambiguity.js';
import { attributeNamesFor, PERSONAL_IDENTITY_NUMBER_ATTRIBUTES } from './profiles.js';
import {
  type AttributeMatch,
  type AttributeNames,
  compilePattern,
  MAX_MATCHED_VALUE_LENGTH,
  type RuleSetDefinition,
} from './rules.js';

/**
 * Attributes → roles and commissions. Pure: the same assertion and the same rules give the
 * same result, and nothing from an earlier login takes part (roles are never accumulated).
 * Deny by default: no matching rule means no role, and the outcome says what was missing.
 */

export type Attributes = Record<string, string[]>;

/** An assertion's attributes and the names it sent more than once with different values. */
export interface AssertionAttributes {
  attributes: Attributes;
  repeated: string[];
}

/**
 * Attribute elements (name and values, in document order) → name → values. A name that
 * occurs again with the same values counts once; with different values its values are
 * joined and the name is listed in `repeated`, so that the mapping can refuse it where it
 * reads the attribute as one value or as a positional list (ambiguity.ts).
 */
export function collectAttributes(
  occurrences: Iterable<{ name: string; values: readonly string[] }>,
): AssertionAttributes {
  const attributes: Attributes = {};
  const repeated = new Set<string>();
  for (const { name, values } of occurrences) {
    const earlier = attributes[name];
    if (earlier === undefined) {
      attributes[name] = [...values];
    } else if (earlier.length !== values.length || earlier.some((v, i) => v !== values[i])) {
      repeated.add(name);
      attributes[name] = [...earlier, ...values];
    }
  }
  return { attributes, repeated: [...repeated] };
}

export interface RuleOutcome {
  name: string;
  attribute: string;
  matched: boolean;
  roles: Role[];
  /** Plain words for the dry-run: which value matched, or why none did. */
  explanation: string;
}

export interface MappingResult {
  hsaId: string | null;
  name: string;
  roles: Role[];
  /** Commissions whose purpose Brygga accepts. */
  commissions: Commission[];
  /** Commissions read from the assertion but refused (unaccepted purpose, incomplete). */
  refusedCommissions: { commission: Partial<Commission>; reason: string }[];
  levelOfAssurance: string | null;
  rules: RuleOutcome[];
  /** Mapped attributes whose value is ambiguous; any of them refuses the login. */
  ambiguousAttributes: AmbiguousAttribute[];
  /** Why the login gives no access; empty when it does. */
  denialReasons: string[];
}

export interface MappingOptions {
  acceptedPurposes: readonly string[];
  /** Names the assertion sent more than once with different values (readAttributes). */
  repeatedAttributes?: readonly string[];
}

export function evaluateMapping(
  definition: RuleSetDefinition,
  attributes: Attributes,
  options: MappingOptions,
): MappingResult {
  const names = mappedAttributeNames(definition);
  const first = (name: string | undefined) => (name ? attributes[name]?.[0]?.trim() || null : null);
  const all = (name: string | undefined) =>
    name ? (attributes[name] ?? []).map((v) => v.trim()) : [];

  const rules = definition.roleRules.map((rule) =>
    evaluateRule(rule, attributes[rule.attribute] ?? []),
  );
  const roles = [
    ...new Set(rules.filter((r) => r.matched).flatMap((r) => r.roles)),
  ].sort() as Role[];

  const hsaId = first(names.employeeHsaId);
  const given = first(names.givenName);
  const surname = first(names.surname);
  const name =
    first(names.displayName) ?? ([given, surname].filter(Boolean).join(' ') || (hsaId ?? ''));

  const units = all(names.unitHsaId);
  const purposes = all(names.commissionPurpose);
  const providers = all(names.providerHsaId);
  const commissionIds = all(names.commissionHsaId);
  const commissionNames = all(names.commissionName);
  const rights = all(names.commissionRight);

  const commissions: Commission[] = [];
  const refusedCommissions: MappingResult['refusedCommissions'] = [];
  // Multi-valued commission attributes are read position by position: the n-th unit goes
  // with the n-th purpose, provider and commission HSA-ID.
  units.forEach((unitHsaId, index) => {
    const purpose = purposes[index] ?? definition.commissions.defaultPurpose ?? null;
    const providerHsaId = providers[index] ?? definition.commissions.defaultProviderHsaId ?? null;
    const draft: Partial<Commission> = {
      hsaId: commissionIds[index] ?? null,
      name: commissionNames[index] ?? null,
      unitHsaId,
      providerHsaId: providerHsaId ?? undefined,
      purpose: purpose ?? undefined,
    };
    if (!purpose) {
      refusedCommissions.push({
        commission: draft,
        reason: `no purpose (attribute ${names.commissionPurpose ?? 'not configured'})`,
      });
      return;
    }
    if (!providerHsaId) {
      refusedCommissions.push({
        commission: draft,
        reason: `no care provider (attribute ${names.providerHsaId ?? 'not configured'})`,
      });
      return;
    }
    if (!options.acceptedPurposes.includes(purpose)) {
      refusedCommissions.push({
        commission: draft,
        reason: `purpose "${purpose}" is not one Brygga serves (${options.acceptedPurposes.join(', ')})`,
      });
      return;
    }
    commissions.push({
      hsaId: draft.hsaId ?? null,
      name: draft.name ?? null,
      unitHsaId,
      providerHsaId,
      purpose,
      // Rights are given per commission only when the assertion carries one commission.
      rights: units.length === 1 ? rights : [],
    });
  });

  const ambiguous = ambiguousAttributes(names, attributes, options.repeatedAttributes ?? []);
  const denialReasons: string[] = ambiguous.map(
    (a) => `attribute ${a.attribute} is ambiguous: ${a.reason}`,
  );
  if (!hsaId)
    denialReasons.push(`the assertion has no employee HSA-ID (attribute ${names.employeeHsaId})`);
  if (roles.length === 0) {
    denialReasons.push(
      rules.length === 0
        ? 'the rule set has no role rules'
        : `no role rule matched: ${rules.map((r) => `${r.name}: ${r.explanation}`).join('; ')}`,
    );
  }
  if (commissions.length === 0) {
    denialReasons.push(
      units.length === 0
        ? `the assertion has no commission unit (attribute ${names.unitHsaId})`
        : `no usable commission: ${refusedCommissions.map((c) => c.reason).join('; ')}`,
    );
  }

  return {
    hsaId,
    name,
    roles,
    commissions,
    refusedCommissions,
    levelOfAssurance: first(names.levelOfAssurance),
    rules,
    ambiguousAttributes: ambiguous,
    denialReasons,
  };
}

/** The attribute names a rule set reads, the person's identifier included. */
export function mappedAttributeNames(definition: RuleSetDefinition): AttributeNames {
  const identifier = definition.subject?.identifierAttribute;
  return attributeNamesFor(definition.commissions.profile, {
    ...(definition.commissions.attributes ?? {}),
    ...(identifier ? { employeeHsaId: identifier } : {}),
  });
}

function evaluateRule(rule: RuleSetDefinition['roleRules'][number], values: string[]): RuleOutcome {
  const base = { name: rule.name, attribute: rule.attribute, roles: rule.roles };
  if (values.length === 0) {
    return { ...base, matched: false, explanation: `attribute ${rule.attribute} is missing` };
  }
  const test = matcher(rule.match);
  const hit = values.find((v) => v.length <= MAX_MATCHED_VALUE_LENGTH && test(v));
  if (hit !== undefined) {
    return { ...base, matched: true, explanation: `value "${hit}" ${describeMatch(rule.match)}` };
  }
  return {
    ...base,
    matched: false,
    explanation: `values ${values.map((v) => `"${v}"`).join(', ')} do not ${describeMatch(rule.match, true)}`,
  };
}

function matcher(match: AttributeMatch): (value: string) => boolean {
  switch (match.kind) {
    case 'exact':
      return (v) => v === match.value;
    case 'oneOf':
      return (v) => match.values.includes(v);
    case 'regex': {
      const re = compilePattern(match.pattern);
      return (v) => re.test(v);
    }
  }
}

function describeMatch(match: AttributeMatch, negated = false): string {
  const verb = negated ? 'equal' : 'equals';
  switch (match.kind) {
    case 'exact':
      return `${verb} "${match.value}"`;
    case 'oneOf':
      return `${negated ? 'belong' : 'is one of'}${negated ? ' to' : ''} [${match.values.join(', ')}]`;
    case 'regex':
      return `${negated ? 'match' : 'matches'} /${match.pattern}/`;
  }
}

/** Attributes as kept with a session: without personal identity numbers. */
export function storableAttributes(attributes: Attributes): Attributes {
  return Object.fromEntries(
    Object.entries(attributes).filter(
      ([name]) => !PERSONAL_IDENTITY_NUMBER_ATTRIBUTES.includes(name),
    ),
  );
}
