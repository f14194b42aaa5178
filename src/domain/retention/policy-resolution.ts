/**
 * Which policy governs an organisation's records of a class: its own decision first, then
 * the default for its kind of organisation, then the default for all. Only current
 * (not superseded) policies are given.
 */
import type { RecordClass, RetentionRule } from './rules.js';

export type OrganizationKind = 'CARE_PROVIDER' | 'MUNICIPALITY' | 'DISTRICT';

export interface Policy extends RetentionRule {
  id: string;
  recordClass: RecordClass;
  organizationId: string | null;
  organizationKind: OrganizationKind | null;
  decision: string;
}

export function policyFor<P extends Policy>(
  policies: readonly P[],
  recordClass: RecordClass,
  organization: { id: string; kind: OrganizationKind },
): P | null {
  const ofClass = policies.filter((p) => p.recordClass === recordClass);
  return (
    ofClass.find((p) => p.organizationId === organization.id) ??
    ofClass.find((p) => p.organizationKind === organization.kind) ??
    ofClass.find((p) => p.organizationId === null && p.organizationKind === null) ??
    null
  );
}

/** The one policy of a class that is the system's own (no organisation, no kind). */
export function systemPolicy<P extends Policy>(
  policies: readonly P[],
  recordClass: RecordClass,
): P | null {
  return (
    policies.find(
      (p) =>
        p.recordClass === recordClass && p.organizationId === null && p.organizationKind === null,
    ) ?? null
  );
}
