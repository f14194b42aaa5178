import type { Principal } from '../authz/principal.js';

/**
 * Who may do what in identity administration. Identity admins manage IdPs, mappings,
 * keys and sessions; security officers read identity events. Neither grants any patient
 * data: those decisions live in src/authz and do not know these roles as care roles.
 */
export type IdentityPermission = 'ADMINISTER_IDENTITY' | 'REVIEW_IDENTITY_EVENTS';

const GRANTS: Record<IdentityPermission, readonly string[]> = {
  ADMINISTER_IDENTITY: ['IDENTITY_ADMIN'],
  REVIEW_IDENTITY_EVENTS: ['SECURITY_OFFICER', 'IDENTITY_ADMIN'],
};

export function mayIdentity(principal: Principal | null, permission: IdentityPermission): boolean {
  return principal?.roles.some((role) => GRANTS[permission].includes(role)) ?? false;
}
