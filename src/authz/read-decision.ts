import type { Actor } from '../domain/case/model.js';
import { blockedFor, type CaseFacts } from './case-facts.js';
import { type AccessDecision, decideField } from './decide.js';
import type { FieldCategory } from './field-categories.js';
import type { Principal } from './principal.js';

/** One field read of a case or a patient, as the decision sees it. */
export interface FieldRead {
  /** The field's declared category (src/graphql/field-guard.ts, schema field extensions). */
  category: FieldCategory;
  /** The case's facts; null for a patient's own fields, read outside any case. */
  facts: CaseFacts | null;
  /** The patient's protected identity, when the field's object says so itself (a Patient). */
  protectedIdentity?: boolean;
  /** Needed for payment responsibility: exempt from the consent condition. */
  paymentRelevant: boolean;
}

/** The category a read is decided and logged under: IDENTITY of a protected identity is PROTECTED_IDENTITY. */
export function readCategory(read: FieldRead): FieldCategory {
  const protectedIdentity = read.protectedIdentity ?? read.facts?.protectedIdentity ?? false;
  return read.category === 'IDENTITY' && protectedIdentity ? 'PROTECTED_IDENTITY' : read.category;
}

/**
 * Whether the principal may read one field, and under which category: IDENTITY of a
 * patient with a protected identity is PROTECTED_IDENTITY, and a block (spärr) hides a
 * case's clinical and planning content. The field guard decides every field read with it,
 * and a command decides with it what its answer will read before its access-log row is
 * written (src/graphql/answer-reads.ts), so the two cannot disagree.
 */
export function decideRead(
  principal: Principal | null,
  actor: Actor | null,
  read: FieldRead,
): { category: FieldCategory; decision: AccessDecision } {
  const { facts } = read;
  const category = readCategory(read);
  const blocked =
    facts !== null &&
    actor !== null &&
    (category === 'MEDICAL' || category === 'SOCIAL' || category === 'PLANNING') &&
    blockedFor(facts, actor.organizationId);
  const decision = decideField(principal, 'read', category, {
    consentGiven: facts?.consentGiven ?? false,
    paymentRelevant: read.paymentRelevant,
    blockedForCaller: blocked,
  });
  return { category, decision };
}
