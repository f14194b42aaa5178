/**
 * Roles a login can map to. They are derived afresh from the directory attributes at
 * every login (src/identity/mapping) and never accumulated.
 */
export const ROLES = [
  /** Staff of a hospital ward (slutenvård). */
  'WARD_STAFF',
  /** Staff of a primary-care unit (öppenvård / vårdcentral). */
  'PRIMARY_CARE_STAFF',
  /** Municipal social services (socialtjänst, biståndshandläggare). */
  'SOCIAL_SERVICES_STAFF',
  /** Municipal health care (kommunal hälso- och sjukvård). */
  'MUNICIPAL_HEALTH_CARE_STAFF',
  /** Finance (ekonomi): invoice basis and payment agreements. */
  'FINANCE',
  /** Security officer (informationssäkerhet): access-log review. */
  'SECURITY_OFFICER',
  /** Identity admin: federation, IdPs, attribute mapping, keys. */
  'IDENTITY_ADMIN',
  /** Information owner (informationsägare): retention decisions. */
  'INFORMATION_OWNER',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
