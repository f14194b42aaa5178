import type { FieldCategory } from './field-categories.js';
import type { Role } from './roles.js';

/**
 * The access policy as data (PDL: access follows need, decided per role and kind of
 * information, not per profession as a whole). Deny by default: a role reaches exactly the
 * categories listed for it, with the actions listed, under the condition given; a person
 * with several roles gets the union. docs/authorization.md is generated from this table
 * (`npm run docs:authz`), and test/unit/authz/policy-matrix.test.ts enumerates it against
 * every field of the schema, so the documentation, the tests and the code cannot differ.
 */
export const POLICY_VERSION = '2026-11-25.1';

export type Action = 'read' | 'create' | 'change';

/**
 * A condition under which a grant holds, besides the row rule (the acting unit takes part
 * in the case) that every case grant needs.
 * - CONSENT_OR_PAYMENT: the patient consented to sharing between region and municipality
 *   (samtycke), or the information is needed for payment responsibility. Medical fields
 *   carry the second exemption only where they are marked payment-relevant.
 */
export type Condition = 'CONSENT_OR_PAYMENT';

export interface Grant {
  actions: readonly Action[];
  condition?: Condition;
  /** Why the role needs it: shown in the generated table and in `why` answers. */
  need: string;
}

export type RolePolicy = Partial<Record<FieldCategory, Grant>>;

const ALL: readonly Action[] = ['read', 'create', 'change'];
const READ: readonly Action[] = ['read'];

/** The care staff of the region and of municipal health care: hälso- och sjukvård. */
const CARE_STAFF: RolePolicy = {
  IDENTITY: { actions: ALL, need: 'identifies the patient they care for' },
  PROTECTED_IDENTITY: {
    actions: READ,
    need: 'must reach a patient with protected identity they care for',
  },
  MEDICAL: { actions: ALL, need: 'plans the care after discharge' },
  PLANNING: { actions: ALL, need: 'takes part in the discharge planning' },
  ADMINISTRATIVE: { actions: ALL, need: 'runs the case' },
};

export const POLICY: Readonly<Record<Role, RolePolicy>> = {
  WARD_STAFF: CARE_STAFF,
  PRIMARY_CARE_STAFF: CARE_STAFF,
  MUNICIPAL_HEALTH_CARE_STAFF: CARE_STAFF,
  SOCIAL_SERVICES_STAFF: {
    IDENTITY: { actions: ALL, need: 'identifies the person applying for support' },
    PROTECTED_IDENTITY: { actions: READ, need: 'provides support at the patient’s home' },
    SOCIAL: { actions: ALL, need: 'assesses and decides on support (socialtjänst)' },
    PLANNING: { actions: ALL, need: 'takes part in the discharge planning' },
    ADMINISTRATIVE: { actions: ALL, need: 'runs the municipality’s part of the case' },
    MEDICAL: {
      actions: READ,
      condition: 'CONSENT_OR_PAYMENT',
      need: 'health information crosses from region to municipality only with consent, or for payment responsibility',
    },
  },
  FINANCE: {
    IDENTITY: { actions: READ, need: 'the invoice basis names the patient' },
    ADMINISTRATIVE: { actions: READ, need: 'the invoice basis refers to the case' },
    FINANCIAL: { actions: ALL, need: 'drafts, approves and sends invoices' },
  },
  SECURITY_OFFICER: {
    AUDIT: { actions: READ, need: 'reviews access to patient data of their own organisation' },
    RETENTION: {
      actions: READ,
      need: 'checks that purges follow the decisions and that held information is kept',
    },
  },
  IDENTITY_ADMIN: {
    FEDERATION: { actions: ALL, need: 'configures identity providers, mapping rules and keys' },
  },
  INFORMATION_OWNER: {
    RETENTION: {
      actions: ALL,
      need: 'decides how long the organisation’s information is kept, and places legal holds',
    },
  },
};

/** Roles whose row rule is organisation-wide: any case a unit of their organisation takes part in. */
export const ORGANISATION_WIDE_ROLES: readonly Role[] = ['FINANCE'];

/** Whether any of `roles` sees its organisation's cases (ORGANISATION_WIDE_ROLES). */
export function isOrganisationWide(roles: readonly Role[]): boolean {
  return roles.some((r) => ORGANISATION_WIDE_ROLES.includes(r));
}

/** Roles that may open a case they do not take part in, with a reason (nödöppning). */
export const EMERGENCY_ACCESS_ROLES: readonly Role[] = [
  'WARD_STAFF',
  'PRIMARY_CARE_STAFF',
  'MUNICIPAL_HEALTH_CARE_STAFF',
];
export const EMERGENCY_ACCESS_MINUTES = 120;
