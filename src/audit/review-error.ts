/**
 * The one error the log review's commands (drawing a sample, recording a review) can end
 * with; GraphQL exposes it as the `AccessReviewError` member of their result unions. A
 * refused command stores nothing. Who may review at all is not among these: a caller
 * without the grant gets FORBIDDEN, as for every root field (src/audit/review-access.ts).
 */
export const ACCESS_REVIEW_ERROR_CODES = [
  'INVALID_MONTH',
  'INVALID_ID',
  'INVALID_INPUT',
  'SAMPLE_NOT_FOUND',
  'ACCESS_LOG_ROW_NOT_FOUND',
] as const;

export type AccessReviewErrorCode = (typeof ACCESS_REVIEW_ERROR_CODES)[number];

export class AccessReviewError extends Error {
  constructor(
    readonly code: AccessReviewErrorCode,
    message: string,
    readonly field: string | null = null,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'AccessReviewError';
  }
}
