import type { AttributeNames } from './rules.js';

/**
 * Which mapped attributes an assertion leaves ambiguous. The mapping reads three kinds:
 *  - single: the person's identifier, names, level of assurance: one value. Several
 *    values are ambiguous unless they are equal once trimmed (the mapping uses the trimmed
 *    value, so " SE…-N001" and "SE…-N001" give the same principal); a case difference is
 *    a different value.
 *  - positional: the commission lists (unit, care provider, purpose, commission HSA-ID and
 *    name), where the n-th unit goes with the n-th purpose. Such a list sent in more than
 *    one Attribute element with different values, or of another length than the unit list,
 *    leaves open which value belongs to which commission.
 *  - multi-valued by definition (commissionRight, healthcareProfessionalLicense and any
 *    other attribute only role rules read): a set, so repeats are joined, never refused.
 * "First value wins" is never the answer: an ambiguous attribute refuses the login.
 */

export interface AmbiguousAttribute {
  attribute: string;
  reason: string;
}

const SINGLE: readonly (keyof AttributeNames)[] = [
  'employeeHsaId',
  'givenName',
  'surname',
  'displayName',
  'levelOfAssurance',
];
const POSITIONAL: readonly (keyof AttributeNames)[] = [
  'unitHsaId',
  'providerHsaId',
  'commissionPurpose',
  'commissionHsaId',
  'commissionName',
];

export function ambiguousAttributes(
  names: AttributeNames,
  attributes: Record<string, string[]>,
  repeated: readonly string[],
): AmbiguousAttribute[] {
  const found: AmbiguousAttribute[] = [];
  const seen = new Set<string>();
  const report = (attribute: string, reason: string) => {
    if (seen.has(attribute)) return;
    seen.add(attribute);
    found.push({ attribute, reason });
  };
  for (const key of SINGLE) {
    const name = names[key];
    if (!name) continue;
    const distinct = new Set((attributes[name] ?? []).map((v) => v.trim()));
    if (distinct.size > 1) {
      report(name, `${key} must have one value, the assertion has ${distinct.size} different`);
    }
  }
  const unitCount = (attributes[names.unitHsaId] ?? []).length;
  for (const key of POSITIONAL) {
    const name = names[key];
    if (!name) continue;
    if (repeated.includes(name)) {
      report(name, `${key} is sent more than once with different values`);
      continue;
    }
    const count = attributes[name]?.length ?? 0;
    if (count > 0 && count !== unitCount) {
      report(
        name,
        `${key} has ${count} value(s) for ${unitCount} commission unit(s): which goes with which is unclear`,
      );
    }
  }
  return found;
}
