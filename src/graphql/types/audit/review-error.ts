import { ACCESS_REVIEW_ERROR_CODES, AccessReviewError } from '../../../audit/review-error.js';
import { uuidOrIdOfType } from '../../global-id.js';
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

/**
 * The UUID a command names by the global id of the type or (deprecated, still taken) by the
 * raw UUID; anything else, a global id of another type included, is the command's own
 * INVALID_ID naming the field (as `decodeId` refuses with a command's error).
 */
export function reviewId(value: string | number, typename: string, field: string): string {
  const id = uuidOrIdOfType(value, typename);
  if (id === null)
    throw new AccessReviewError(
      'INVALID_ID',
      `${field} is not the id of a ${typename} (its global id, or the older raw UUID).`,
      field,
    );
  return id;
}
