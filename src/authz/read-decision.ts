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
): ReadDecision {
  return decideInputs(principal, readInputs(actor, read), read.paymentRelevant);
}

export interface ReadDecision {
  category: FieldCategory;
  decision: AccessDecision;
}

/** Everything of a read that its decision depends on, besides who reads. */
function readInputs(actor: Actor | null, read: FieldRead) {
  const { facts } = read;
  const category = readCategory(read);
  const blocked =
    facts !== null &&
    actor !== null &&
    (category === 'MEDICAL' || category === 'SOCIAL' || category === 'PLANNING') &&
    blockedFor(facts, actor.organizationId);
  return { category, consentGiven: facts?.consentGiven ?? false, blocked };
}

function decideInputs(
  principal: Principal | null,
  { category, consentGiven, blocked }: ReturnType<typeof readInputs>,
  paymentRelevant: boolean,
): ReadDecision {
  const decision = decideField(principal, 'read', category, {
    consentGiven,
    paymentRelevant,
    blockedForCaller: blocked,
  });
  return { category, decision };
}

/**
 * `decideRead` for one principal and acting unit, remembering each decision it makes. A
 * read's decision depends, besides who reads, only on its category, payment relevance,
 * consent and block: a 50-case list asks some 200 times (each case and patient its own
 * categories) and gets a handful of different answers. The same answer object is returned
 * for the same inputs; it is never changed.
 */
export function readDecider(
  principal: Principal | null,
  actor: Actor | null,
): (read: FieldRead) => ReadDecision {
  const known = new Map<string, ReadDecision>();
  return (read) => {
    const inputs = readInputs(actor, read);
    const key = `${inputs.category}|${read.paymentRelevant}|${inputs.consentGiven}|${inputs.blocked}`;
    let decided = known.get(key);
    if (decided === undefined) {
      decided = decideInputs(principal, inputs, read.paymentRelevant);
      known.set(key, decided);
    }
    return decided;
  };
}
