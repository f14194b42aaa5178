/**
 * Field categories: every field of patient data belongs to one, and the policy
 * (src/authz/policy.ts) grants roles actions on categories, not on fields.
 */
export const FIELD_CATEGORIES = [
  /** Who the patient is: name, personnummer, home municipality. */
  'IDENTITY',
  /** The same for a patient with skyddade personuppgifter. */
  'PROTECTED_IDENTITY',
  /** Diagnoses, functional status, medication: hälso- och sjukvård. */
  'MEDICAL',
  /** Social services' assessments and decisions: socialtjänst. */
  'SOCIAL',
  /** Dates, parties, care plans, messages of the discharge planning. */
  'PLANNING',
  /** References, statuses, units: what running the process needs. */
  'ADMINISTRATIVE',
  /** Payment responsibility, invoices, prices. */
  'FINANCIAL',
  /** Access and identity logs. */
  'AUDIT',
  /** IdPs, mapping rules, keys. */
  'FEDERATION',
  /** Retention policies, legal holds and purge records (gallring): no patient data. */
  'RETENTION',
] as const;

export type FieldCategory = (typeof FIELD_CATEGORIES)[number];
