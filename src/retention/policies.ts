import type pg from 'pg';
import type { IsoDate } from '../domain/calendar.js';
import {
  type OrganizationKind,
  type Policy,
  policyFor,
  systemPolicy,
} from '../domain/retention/policy-resolution.js';
import { bindingRule, isDue, type RecordClass } from '../domain/retention/rules.js';
import type { ArchiveDecision } from './archive-package.js';
import type { RunMode } from './context.js';

export interface BookOrganization {
  id: string;
  kind: OrganizationKind;
  parentId: string | null;
  /** A public body (organisationsnummer group 2) purges only under a retention decision. */
  publicBody: boolean;
}

/** The current policies and the organisations they are resolved for, read once per run. */
export interface PolicyBook {
  policies: Policy[];
  organizations: BookOrganization[];
  /** `organisation:class` pairs with a retention decision (gallringsbeslut) of their own or their parent's. */
  decided: Set<string>;
  /**
   * Organisations whose owner approves each purge: the day of the dry run their latest
   * decided proposal approved, or null when it was rejected or none was decided yet.
   */
  approval: Map<string, IsoDate | null>;
  /** Organisations whose case decision in force says cases are archived before purge. */
  archiving: Map<string, ArchiveDecision>;
}

/** One organisation's rule for a class, in the shape the purge SQL reads (jsonb_to_recordset). */
export interface OwnerRule {
  organization_id: string;
  policy_id: string;
  months: number;
  days: number;
  keep: number[];
  /** The day the owner's records are judged for: the run's, or the approved proposal's. */
  as_of: IsoDate;
}

/** Classes a public body's records of are kept until its retention decision exists. */
const DECIDED_CLASSES: readonly RecordClass[] = ['CASE', 'INVOICE_BASIS', 'ACCESS_LOG'];

/**
 * The day an organisation's records of a class are judged for in this run, or null when
 * none may go: a public body without a decision for the class, or (in a purge) an owner
 * who approves each purge and has not approved one. A dry run is the proposal, so it
 * shows what would go under the run's day for owners who approve.
 */
export function ownerDay(
  book: PolicyBook,
  organization: BookOrganization,
  recordClass: RecordClass,
  mode: RunMode,
  asOf: IsoDate,
): IsoDate | null {
  if (
    organization.publicBody &&
    DECIDED_CLASSES.includes(recordClass) &&
    !book.decided.has(`${organization.id}:${recordClass}`)
  ) {
    return null;
  }
  if (mode === 'DRY_RUN' || !book.approval.has(organization.id)) return asOf;
  const approved = book.approval.get(organization.id) ?? null;
  if (approved === null) return null;
  return approved < asOf ? approved : asOf;
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
  const organizations = await db.query<{
    id: string;
    kind: OrganizationKind;
    parent_id: string | null;
    public_body: boolean;
  }>(
    'SELECT id, kind, parent_id, retention_public_body(org_number) AS public_body FROM organization',
  );
  const decided = await db.query<{ key: string }>(
    `SELECT DISTINCT o.id || ':' || d.record_class AS key
     FROM organization o JOIN retention_decision d ON d.organization_id IN (o.id, o.parent_id)`,
  );
  // The mode in force: the organisation's own latest choice, else its parent's.
  const approval = await db.query<{ organization_id: string; approved_as_of: string | null }>(
    `WITH mode AS (
       SELECT DISTINCT ON (organization_id) organization_id, mode
       FROM retention_owner_mode ORDER BY organization_id, id DESC
     ), verdict AS (
       SELECT DISTINCT ON (d.organization_id) d.organization_id, d.verdict,
              to_char(r.as_of, 'YYYY-MM-DD') AS as_of
       FROM retention_proposal_decision d JOIN retention_run r ON r.id = d.run_id
       ORDER BY d.organization_id, d.id DESC
     )
     SELECT o.id AS organization_id,
            CASE WHEN coalesce(v.verdict, pv.verdict) = 'APPROVED' THEN coalesce(v.as_of, pv.as_of) END
              AS approved_as_of
     FROM organization o
     LEFT JOIN mode m ON m.organization_id = o.id
     LEFT JOIN mode pm ON pm.organization_id = o.parent_id
     LEFT JOIN verdict v ON v.organization_id = o.id
     LEFT JOIN verdict pv ON pv.organization_id = o.parent_id
     WHERE coalesce(m.mode, pm.mode) = 'APPROVAL'`,
  );
  // The case decision in force: the organisation's own latest, else its parent's.
  const archiving = await db.query<{
    organization_id: string;
    hsa_id: string;
    name: string;
    decision_id: string;
    reference: string;
    decided_on: string;
    decided_by: string;
  }>(
    `SELECT o.id AS organization_id, o.hsa_id, o.name, d.id AS decision_id, d.reference,
            to_char(d.decided_on, 'YYYY-MM-DD') AS decided_on, d.decided_by
     FROM organization o
     CROSS JOIN LATERAL (
       SELECT * FROM retention_decision d
       WHERE d.record_class = 'CASE' AND d.organization_id IN (o.id, o.parent_id)
       ORDER BY (d.organization_id = o.id) DESC, d.recorded_at DESC LIMIT 1
     ) d
     WHERE d.archive_before_purge`,
  );
  return {
    archiving: new Map(
      archiving.rows.map((r) => [
        r.organization_id,
        {
          organizationId: r.organization_id,
          organizationHsaId: r.hsa_id,
          organizationName: r.name,
          decisionId: r.decision_id,
          reference: r.reference,
          decidedOn: r.decided_on,
          decidedBy: r.decided_by,
        },
      ]),
    ),
    decided: new Set(decided.rows.map((r) => r.key)),
    approval: new Map(
      approval.rows.map((r) => [r.organization_id, r.approved_as_of as IsoDate | null]),
    ),
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
    organizations: organizations.rows.map((o) => ({
      id: o.id,
      kind: o.kind,
      parentId: o.parent_id,
      publicBody: o.public_body,
    })),
  };
}

/**
 * Every organisation's rule for a class of shared records, with the day it is judged for;
 * organisations without one, or whose records may not go in this run (ownerDay), are left
 * out, and a record any owner left out has is never purged.
 */
export function ownerRules(
  book: PolicyBook,
  recordClass: RecordClass,
  mode: RunMode,
  asOf: IsoDate,
): OwnerRule[] {
  const rules: OwnerRule[] = [];
  for (const organization of book.organizations) {
    const policy = policyFor(book.policies, recordClass, organization);
    if (!policy) continue;
    const day = ownerDay(book, organization, recordClass, mode, asOf);
    if (day === null) continue;
    rules.push({
      as_of: day,
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
 * longest of all owners' rules, so no owner's information goes before its time; due only
 * when every owner's rule has run out on that owner's day, and never while an owner's
 * records may not go in this run (ownerDay).
 */
export function sharedRule(
  book: PolicyBook,
  recordClass: RecordClass,
  anchor: IsoDate,
  mode: RunMode,
  asOf: IsoDate,
): { policy: Policy; due: boolean } | null {
  const applying: Policy[] = [];
  let due = true;
  for (const organization of book.organizations) {
    const policy = policyFor(book.policies, recordClass, organization);
    if (!policy) continue;
    applying.push(policy);
    const day = ownerDay(book, organization, recordClass, mode, asOf);
    if (day === null || !isDue(anchor, policy, day)) due = false;
  }
  const own = systemPolicy(book.policies, recordClass);
  if (own) {
    applying.push(own);
    if (!isDue(anchor, own, asOf)) due = false;
  }
  return applying.length === 0 ? null : { policy: bindingRule(anchor, applying), due };
}

export function policyById(book: PolicyBook, id: string): Policy {
  const policy = book.policies.find((p) => p.id === id);
  if (!policy) throw new Error(`retention policy ${id} is not current`);
  return policy;
}
