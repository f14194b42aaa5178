/**
 * The one error a retention command (a policy decision, a hold) can end with; GraphQL
 * exposes it as the `RetentionError` member of their result unions. A refused command
 * writes nothing.
 */
export const RETENTION_ERROR_CODES = [
  // the law's limits and the policy's shape (src/domain/retention/rules.ts)
  'RETENTION_BELOW_LEGAL_MINIMUM',
  'RETENTION_NOT_PER_ORGANIZATION',
  'INVALID_BIRTH_DAYS',
  'INVALID_RETENTION_PERIOD',
  'DECISION_REQUIRED',
  // input and scope
  'INVALID_ID',
  'INVALID_PERSONAL_IDENTITY_NUMBER',
  'NOT_YOUR_ORGANIZATION',
  'CASE_NOT_FOUND',
  'PATIENT_NOT_FOUND',
  'ONE_TARGET_REQUIRED',
  'REASON_REQUIRED',
  'HOLD_NOT_FOUND',
  'HOLD_ALREADY_RELEASED',
  'CONCURRENT_MODIFICATION',
  // owners' control: decisions, approval, proposals
  'REFERENCE_REQUIRED',
  'INVALID_DATE',
  'DECISION_NOT_FOUND',
  'PROPOSAL_NOT_FOUND',
  'PROPOSAL_ALREADY_DECIDED',
  'PROPOSAL_SUPERSEDED',
  'APPROVAL_NOT_REQUIRED',
  'ARCHIVE_NOT_SUPPORTED',
] as const;

export type RetentionErrorCode = (typeof RETENTION_ERROR_CODES)[number];

export class RetentionCommandError extends Error {
  constructor(
    readonly code: RetentionErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'RetentionCommandError';
  }
}
