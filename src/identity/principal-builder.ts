import type { Commission, Principal } from '../authz/principal.js';
import { type CareProviderDirectory, checkCommissionProviders } from './care-providers.js';
import { type Attributes, evaluateMapping, type MappingResult } from './mapping/evaluate.js';
import type { RuleSetDefinition } from './mapping/rules.js';
import { sameCommission } from './tokens.js';

/**
 * A principal from an assertion's attributes and the IdP's current rules: roles and
 * commissions are derived afresh every time (at login and at every token issue), never
 * carried over. The acting commission survives only while the rules still grant it.
 *
 * The checks, in order, each a refusal of its own:
 *  1. AMBIGUOUS_ATTRIBUTE: a mapped attribute has no single reading (mapping/ambiguity.ts).
 *  2. SUBJECT_MISMATCH: the rule set says the NameID must be the person's identifier, and
 *     it is not (exact comparison, after the trimming every value gets).
 *  3. NO_ACCESS: no role, no identifier or no usable commission (mapping/evaluate.ts).
 *  4. COMMISSION_PROVIDER_MISMATCH: a granted commission names a care provider that is not
 *     its unit's in Brygga's directory (care-providers.ts); the principal's care provider
 *     comes from the directory.
 */
export type PrincipalRefusal =
  | 'AMBIGUOUS_ATTRIBUTE'
  | 'SUBJECT_MISMATCH'
  | 'NO_ACCESS'
  | 'COMMISSION_PROVIDER_MISMATCH';

export type PrincipalOutcome =
  | { ok: true; principal: Principal; mapping: MappingResult }
  | {
      ok: false;
      refusal: PrincipalRefusal;
      reasons: string[];
      mapping: MappingResult;
      /** What an auditor needs beyond the reasons (e.g. the two identifiers that differ). */
      details: Record<string, unknown>;
    };

export async function buildPrincipal(input: {
  definition: RuleSetDefinition;
  attributes: Attributes;
  repeatedAttributes?: readonly string[];
  nameId: string | null;
  acceptedPurposes: readonly string[];
  directory: CareProviderDirectory;
  sessionId: string;
  idpSlug: string;
  levelOfAssurance: string | null;
  acting: Commission | null;
}): Promise<PrincipalOutcome> {
  const mapping = evaluateMapping(input.definition, input.attributes, {
    acceptedPurposes: input.acceptedPurposes,
    repeatedAttributes: input.repeatedAttributes ?? [],
  });
  const refuse = (
    refusal: PrincipalRefusal,
    reasons: string[],
    details: Record<string, unknown> = {},
  ): PrincipalOutcome => ({ ok: false, refusal, reasons, mapping, details });

  if (mapping.ambiguousAttributes.length > 0) {
    return refuse(
      'AMBIGUOUS_ATTRIBUTE',
      mapping.ambiguousAttributes.map((a) => `${a.attribute}: ${a.reason}`),
      { attributes: mapping.ambiguousAttributes.map((a) => a.attribute) },
    );
  }
  if (input.definition.subject?.nameIdMustMatch && mapping.hsaId !== null) {
    const nameId = input.nameId?.trim() ?? null;
    if (nameId !== mapping.hsaId) {
      return refuse(
        'SUBJECT_MISMATCH',
        [`the NameID does not name the person the identifier attribute names (${mapping.hsaId})`],
        { identifier: mapping.hsaId, nameId: auditableNameId(nameId) },
      );
    }
  }
  if (mapping.denialReasons.length > 0 || !mapping.hsaId) {
    return refuse('NO_ACCESS', mapping.denialReasons);
  }
  const directory = await input.directory.forUnits(mapping.commissions.map((c) => c.unitHsaId));
  const { commissions, mismatches } = checkCommissionProviders(mapping.commissions, directory);
  if (mismatches.length > 0) {
    return refuse('COMMISSION_PROVIDER_MISMATCH', mismatches, {
      commissions: mapping.commissions.map((c) => ({
        unit: c.unitHsaId,
        assertedProvider: c.providerHsaId,
        directoryProvider: directory.get(c.unitHsaId)?.careProviderHsaId ?? null,
      })),
    });
  }
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

/**
 * The NameID as the identity audit keeps it. A NameID that is a personal identity number
 * is not stored (sessions never keep one either); anything else is, so a reviewer can see
 * which two identities an assertion named.
 */
function auditableNameId(nameId: string | null): string | null {
  if (nameId === null) return null;
  return /^\d{6}(\d{2})?[-+]?\d{4}$/.test(nameId) ? '(a personal identity number)' : nameId;
}

/** The numeric level of assurance (1-4) of `http://id.sambi.se/loa/loa3`-style values. */
export function loaLevel(value: string | null): number | null {
  if (!value) return null;
  const match = /loa[-_]?([1-4])\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}
