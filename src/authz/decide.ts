import type { FieldCategory } from './field-categories.js';
import { type Action, type Grant, POLICY, POLICY_VERSION } from './policy.js';
import type { Principal } from './principal.js';
import type { Role } from './roles.js';

/**
 * The one place field access is decided. Every answer carries the rule that decided it,
 * so support can ask "why" (the `why` query) and the redaction list can say it to
 * front-ends.
 */

/** Stable reasons a field is withheld; part of the GraphQL contract (RedactionReason). */
export type DenialReason =
  | 'NOT_SIGNED_IN'
  | 'NOT_GRANTED'
  | 'CONSENT_REQUIRED'
  | 'PATIENT_BLOCK'
  | 'NO_CASE_WITH_PERSON';

/** What the decision needs to know of the data itself. */
export interface Subject {
  /** The case's consent to sharing between region and municipality. */
  consentGiven: boolean;
  /** The field is needed for payment responsibility (exempt from the consent rule). */
  paymentRelevant?: boolean;
  /** The patient blocked (spärr) this information from the caller's organisation. */
  blockedForCaller?: boolean;
}

export interface AccessDecision {
  allowed: boolean;
  reason: DenialReason | null;
  /** Allowed only because payment responsibility needs the field (no consent). */
  paymentExemption?: true;
  /** The role and grant that allowed it, or the rule that denied it. */
  rule: string;
  policyVersion: string;
}

export const allow = (rule: string): AccessDecision => ({
  allowed: true,
  reason: null,
  rule,
  policyVersion: POLICY_VERSION,
});
export const deny = (reason: DenialReason, rule: string): AccessDecision => ({
  allowed: false,
  reason,
  rule,
  policyVersion: POLICY_VERSION,
});

export function grantsFor(
  roles: readonly Role[],
  category: FieldCategory,
  action: Action,
): [Role, Grant][] {
  return roles.flatMap((role) => {
    const grant = POLICY[role][category];
    return grant?.actions.includes(action) ? [[role, grant] as [Role, Grant]] : [];
  });
}

/**
 * Whether the principal may act on a category at all, before any row or field: what a
 * root field or a command asks first ("require this grant"). The GraphQL layer maps a
 * denial to UNAUTHENTICATED or FORBIDDEN (./require-grant.ts).
 */
export function decideGrant(
  principal: Principal | null,
  category: FieldCategory,
  action: Action,
): AccessDecision {
  if (!principal) return deny('NOT_SIGNED_IN', 'no verified access token');
  const grants = grantsFor(principal.roles, category, action);
  if (grants.length === 0) {
    return deny(
      'NOT_GRANTED',
      `none of the roles [${principal.roles.join(', ') || 'none'}] is granted ${action} on ${category}`,
    );
  }
  const [role] = grants[0] as [Role, Grant];
  return allow(`${role}: ${action} ${category}`);
}

export function decideField(
  principal: Principal | null,
  action: Action,
  category: FieldCategory,
  subject: Subject,
): AccessDecision {
  if (!principal) return decideGrant(principal, category, action);
  // The grants once: a 50-case list decides a few hundred fields of cases.
  const grants = grantsFor(principal.roles, category, action);
  if (grants.length === 0) return decideGrant(principal, category, action);
  if (subject.blockedForCaller) {
    return deny(
      'PATIENT_BLOCK',
      'the patient has blocked (spärr) this information from your organisation',
    );
  }
  const unconditional = grants.find(([, grant]) => !grant.condition);
  if (unconditional)
    return allow(`${unconditional[0]} may ${action} ${category}: ${unconditional[1].need}`);
  const [role, grant] = grants[0]!;
  if (subject.consentGiven)
    return allow(`${role} may ${action} ${category} with the patient’s consent`);
  if (subject.paymentRelevant) {
    return {
      ...allow(`${role} may ${action} ${category} needed for payment responsibility`),
      paymentExemption: true,
    };
  }
  return deny(
    'CONSENT_REQUIRED',
    `${role} may ${action} ${category} only ${describeCondition(grant)}`,
  );
}

function describeCondition(grant: Grant): string {
  return grant.condition === 'CONSENT_OR_PAYMENT'
    ? 'with the patient’s consent (samtycke) or where payment responsibility needs it'
    : 'under its condition';
}

/**
 * How an allowed read is named in the access log. A read that only the payment
 * exemption allowed is `<CATEGORY>:PAYMENT_RESPONSIBILITY`: the caller read the part of
 * the category that payment responsibility needs, not the category. A reviewer then never
 * sees MEDICAL on a SUCCESS row beside a DENIED MEDICAL row of the same request.
 */
export type LoggedCategory = FieldCategory | `${FieldCategory}:PAYMENT_RESPONSIBILITY`;

export function loggedCategory(category: FieldCategory, decision: AccessDecision): LoggedCategory {
  return decision.paymentExemption ? `${category}:PAYMENT_RESPONSIBILITY` : category;
}
