import { grantsFor } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import type { Action } from '../authz/policy.js';
import type { Principal } from '../authz/principal.js';

/**
 * Who may do what in identity administration, decided by the policy (src/authz/policy.ts):
 * administering needs FEDERATION change (identity admins: IdPs, mappings, keys, sessions);
 * reading the federation's own configuration (the token signing keys and their times)
 * needs FEDERATION read (identity admins only); reading identity events needs FEDERATION or AUDIT read (identity admins and security
 * officers). Neither category reaches any patient data.
 */
export type IdentityPermission =
  | 'ADMINISTER_IDENTITY'
  | 'READ_FEDERATION'
  | 'REVIEW_IDENTITY_EVENTS';

const GRANTS: Record<IdentityPermission, readonly [FieldCategory, Action][]> = {
  ADMINISTER_IDENTITY: [['FEDERATION', 'change']],
  READ_FEDERATION: [['FEDERATION', 'read']],
  REVIEW_IDENTITY_EVENTS: [
    ['FEDERATION', 'read'],
    ['AUDIT', 'read'],
  ],
};

export function mayIdentity(principal: Principal | null, permission: IdentityPermission): boolean {
  if (!principal) return false;
  return GRANTS[permission].some(
    ([category, action]) => grantsFor(principal.roles, category, action).length > 0,
  );
}
