import { ACCESS_REVIEW_ERROR_CODES, AccessReviewError } from '../../../audit/review-error.js';
import { isUuid } from '../../global-id.js';
import { resultErrorType } from '../result-error.js';

const reviewResult = resultErrorType(AccessReviewError, {
  name: 'AccessReviewError',
  codes: ACCESS_REVIEW_ERROR_CODES,
  description:
    'Why drawing a sample or recording a review of the access log was refused. A refused command stores nothing.',
});

/** The result options of a log-review command: `<Name>Success { <dataField> }` or AccessReviewError. */
export const accessReviewResult = (dataField: string, what: string) =>
  reviewResult(`${what[0]!.toUpperCase()}${what.slice(1)}.`, dataField);

/** A UUID the command names, or its INVALID_ID naming the field. */
export function reviewUuid(value: string | number, field: string): string {
  const text = String(value);
  if (!isUuid(text)) throw new AccessReviewError('INVALID_ID', `${field} must be a UUID.`, field);
  return text.toLowerCase();
}
