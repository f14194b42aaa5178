import type { Commission, Principal } from '../authz/principal.js';
import { type Attributes, evaluateMapping, type MappingResult } from './mapping/evaluate.js';
import type { RuleSetDefinition } from './mapping/rules.js';
import { sameCommission } from './tokens.js';

/**
 * A principal from an assertion's attributes and the IdP's current rules: roles and
 * commissions are derived afresh every time (at login and at every token issue), never
 * carried over. The acting commission survives only while the rules still grant it.
 */
export type PrincipalOutcome =
  | { ok: true; principal: Principal; mapping: MappingResult }
  | { ok: false; mapping: MappingResult };

export function buildPrincipal(input: {
  definition: RuleSetDefinition;
  attributes: Attributes;
  acceptedPurposes: readonly string[];
  sessionId: string;
  idpSlug: string;
  levelOfAssurance: string | null;
  acting: Commission | null;
}): PrincipalOutcome {
  const mapping = evaluateMapping(input.definition, input.attributes, {
    acceptedPurposes: input.acceptedPurposes,
  });
  if (mapping.denialReasons.length > 0 || !mapping.hsaId) return { ok: false, mapping };
  const commissions = mapping.commissions;
  const acting = input.acting
    ? (commissions.find((c) => sameCommission(c, input.acting!)) ?? null)
    : commissions.length === 1
      ? commissions[0]!
      : null;
  return {
    ok: true,
    mapping,
    principal: {
      hsaId: mapping.hsaId,
      name: mapping.name,
      sessionId: input.sessionId,
      idpId: input.idpSlug,
      levelOfAssurance: input.levelOfAssurance,
      roles: mapping.roles,
      commissions,
      actingCommission: acting,
    },
  };
}

/** The numeric level of assurance (1-4) of `http://id.sambi.se/loa/loa3`-style values. */
export function loaLevel(value: string | null): number | null {
  if (!value) return null;
  const match = /loa[-_]?([1-4])\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}
