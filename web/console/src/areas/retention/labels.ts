import type {
  LegalHoldTarget,
  RetentionMode,
  RetentionRecordClass,
} from '../../generated/graphql.js';

/** The record classes in words an information owner uses, with the Swedish term. */
export const CLASS_LABELS: Record<RetentionRecordClass, string> = {
  CASE: 'Cases (ärenden) with events, care plans and notes',
  ACCESS_LOG: 'Access log (loggar)',
  INVOICE_BASIS: 'Invoice basis (räkenskapsinformation)',
  IDENTITY_EVENT: 'Login and identity events',
  PATIENT_IDENTITY: 'Patients’ identity data',
  REPLAY_CACHE: 'SAML replay identifiers',
  SESSION: 'Login sessions',
};

export const TARGET_LABELS: Record<LegalHoldTarget, string> = {
  CASE: 'Case',
  PATIENT: 'Patient',
  ORGANIZATION: 'Whole organisation',
};

export const MODE_LABELS: Record<RetentionMode, string> = {
  AUTOMATIC: 'Automatic: due records are purged by the nightly run',
  APPROVAL: 'After approval: a dry run is a proposal the owner approves or rejects',
};

/** "5 years", "7 years", "18 months", "30 days": a retention period as people say it. */
export function period(months: number, days = 0): string {
  const parts: string[] = [];
  if (months > 0) {
    parts.push(
      months % 12 === 0
        ? `${months / 12} year${months === 12 ? '' : 's'}`
        : `${months} month${months === 1 ? '' : 's'}`,
    );
  }
  if (days > 0) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  return parts.join(' ') || 'none';
}

/**
 * The classes an owner decides for their own organisation; the system's own records have
 * one policy for all, and the API refuses a decision on them (RETENTION_NOT_PER_ORGANIZATION).
 */
export const OWNER_CLASSES: readonly RetentionRecordClass[] = [
  'CASE',
  'INVOICE_BASIS',
  'ACCESS_LOG',
];
