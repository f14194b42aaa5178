import type { Role } from '../generated/graphql.js';

/** Plain words for each role of the schema's `Role` enum, with the Swedish term staff know. */
export const ROLE_LABELS: Record<Role, string> = {
  WARD_STAFF: 'Ward staff (slutenvård)',
  PRIMARY_CARE_STAFF: 'Primary care (vårdcentral)',
  SOCIAL_SERVICES_STAFF: 'Social services (socialtjänst)',
  MUNICIPAL_HEALTH_CARE_STAFF: 'Municipal health care (kommunal hälso- och sjukvård)',
  FINANCE: 'Finance (ekonomi)',
  SECURITY_OFFICER: 'Security officer (informationssäkerhet)',
  IDENTITY_ADMIN: 'Identity admin (identitetsadministration)',
  INFORMATION_OWNER: 'Information owner (informationsägare)',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;
