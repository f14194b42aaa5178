import type pg from 'pg';
import {
  type OrganizationKind,
  type Policy,
  policyFor,
  systemPolicy,
} from '../domain/retention/policy-resolution.js';
import { bindingRule, type RecordClass } from '../domain/retention/rules.js';

/** The current policies and the organisations they are resolved for, read once per run. */
export interface PolicyBook {
  policies: Policy[];
  organizations: { id: string; kind: OrganizationKind }[];
}

/** One organisation's rule for a class, in the shape the purge SQL reads (jsonb_to_recordset). */
export interface OwnerRule {
  organization_id: string;
  policy_id: string;
  months: number;
  days: number;
  keep: number[];
}

export async function readPolicyBook(db: pg.ClientBase | pg.Pool): Promise<PolicyBook> {
  const policies = await db.query<{
    id: string;
    record_class: RecordClass;
    organization_id: string | null;
    organization_kind: OrganizationKind | null;
    retain_months: number;
    retain_days: number;
    keep_birth_days: number[];
    decision: string;
  }>(
    `SELECT id, record_class, organization_id, organization_kind, retain_months, retain_days,
            keep_birth_days, decision
     FROM retention_policy WHERE superseded_at IS NULL`,
  );
  const organizations = await db.query<{ id: string; kind: OrganizationKind }>(
    'SELECT id, kind FROM organization',
  );
  return {
    policies: policies.rows.map((p) => ({
      id: p.id,
      recordClass: p.record_class,
      organizationId: p.organization_id,
      organizationKind: p.organization_kind,
      months: p.retain_months,
      days: p.retain_days,
      keepBirthDays: p.keep_birth_days,
      decision: p.decision,
    })),
    organizations: organizations.rows,
  };
}

/** Every organisation's rule for a class of shared records; organisations without one are left out (never purged). */
export function ownerRules(book: PolicyBook, recordClass: RecordClass): OwnerRule[] {
  const rules: OwnerRule[] = [];
  for (const organization of book.organizations) {
    const policy = policyFor(book.policies, recordClass, organization);
    if (!policy) continue;
    rules.push({
      organization_id: organization.id,
      policy_id: policy.id,
      months: policy.months,
      days: policy.days,
      keep: [...policy.keepBirthDays],
    });
  }
  return rules;
}

/**
 * The rule for records every organisation shares at once, like an access-log month: the
 * longest of all owners' rules, so no owner's information goes before its time.
 */
export function longestRule(
  book: PolicyBook,
  recordClass: RecordClass,
  anchor: string,
): Policy | null {
  const applying = book.organizations
    .map((o) => policyFor(book.policies, recordClass, o))
    .filter((p): p is Policy => p !== null);
  const own = systemPolicy(book.policies, recordClass);
  if (own) applying.push(own);
  return applying.length === 0 ? null : bindingRule(anchor, applying);
}

export function policyById(book: PolicyBook, id: string): Policy {
  const policy = book.policies.find((p) => p.id === id);
  if (!policy) throw new Error(`retention policy ${id} is not current`);
  return policy;
}
