import type { Actor } from '../domain/case/model.js';
import type { CaseFacts } from './case-facts.js';
import { decideGrant } from './decide.js';
import type { FieldCategory } from './field-categories.js';
import type { Principal } from './principal.js';
import { decideRead } from './read-decision.js';
import { ROLES, type Role } from './roles.js';

/**
 * What a caller must be granted to see an object at all, by the row it hangs on: a case
 * (and its patient, events, care plans, notes, deadlines) only by roles that read
 * ADMINISTRATIVE, the category that "runs the case" and that `case(id)` and `cases` already
 * demand; an invoice (and its lines) only by roles that read FINANCIAL. So `node(id)`
 * answers null where the root fields answer FORBIDDEN, and a field whose category every
 * such role reads without condition is never withheld from a visible object: the schema
 * declares those non-null (test/integration/schema-nullability.test.ts holds it to this).
 */
export const SEEN_WITH = {
  case: 'ADMINISTRATIVE',
  invoice: 'FINANCIAL',
} as const satisfies Record<string, FieldCategory>;

export type RowKind = keyof typeof SEEN_WITH;

/** Whether any of the principal's roles may see objects of this kind (before the row rule). */
export function maySee(principal: Principal | null, kind: RowKind): boolean {
  return decideGrant(principal, SEEN_WITH[kind], 'read').allowed;
}

/** The acting unit `readSituations` places its blocks against. */
export const SITUATION_ACTOR: Actor = {
  hsaId: 'SE0000000000-A',
  name: 'A',
  unitId: 'unit',
  organizationId: 'own',
};

/**
 * Every situation the read decision distinguishes, as seen by SITUATION_ACTOR: consent, a
 * block of another party's organisation, a protected identity, a case or none.
 */
export function readSituations(): { facts: CaseFacts | null; protectedIdentity?: boolean }[] {
  const out: { facts: CaseFacts | null; protectedIdentity?: boolean }[] = [];
  for (const protectedIdentity of [false, true]) {
    out.push({ facts: null, protectedIdentity });
    for (const consentGiven of [false, true]) {
      for (const blocked of [false, true]) {
        out.push({
          facts: {
            caseId: 'case',
            patientId: 'patient',
            protectedIdentity,
            consentGiven,
            partyUnitIds: ['unit', 'other-unit'],
            partyOrganizationIds: ['own', 'other'],
            blockedOrganizationIds: blocked ? ['other'] : [],
          },
        });
      }
    }
  }
  return out;
}

/** Every set of roles, the empty one too: a person with several roles gets the union. */
function roleSets(): Role[][] {
  return Array.from({ length: 2 ** ROLES.length }, (_, bits) =>
    ROLES.filter((_role, i) => bits & (2 ** i)),
  );
}

/**
 * Whether a field of this category can be withheld from someone who sees its object:
 * some set of roles that may see objects of the kind is refused it, by the field guard's
 * own decision (decideRead), in some situation (no consent, a block, a protected
 * identity). Decided by trying them all, so it follows the policy table as it changes.
 */
export function withheldFromSomeViewer(
  category: FieldCategory,
  kind: RowKind,
  paymentRelevant: boolean,
): boolean {
  const key = `${category}|${kind}|${paymentRelevant}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = tryEveryViewer(category, kind, paymentRelevant);
    answers.set(key, answer);
  }
  return answer;
}
const answers = new Map<string, boolean>();

function tryEveryViewer(category: FieldCategory, kind: RowKind, paymentRelevant: boolean): boolean {
  return roleSets().some((roles) => {
    const principal: Principal = {
      hsaId: SITUATION_ACTOR.hsaId,
      name: SITUATION_ACTOR.name,
      sessionId: 'session',
      idpId: 'idp',
      levelOfAssurance: null,
      roles,
      commissions: [],
      actingCommission: null,
    };
    if (!maySee(principal, kind)) return false;
    return readSituations().some(
      ({ facts, protectedIdentity }) =>
        !decideRead(principal, SITUATION_ACTOR, {
          category,
          facts,
          protectedIdentity,
          paymentRelevant,
        }).decision.allowed,
    );
  });
}
