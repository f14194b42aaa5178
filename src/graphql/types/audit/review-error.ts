import {
  ACCESS_REVIEW_ERROR_CODES,
  AccessReviewError,
  type AccessReviewErrorCode,
} from '../../../audit/review-error.js';
import { builder } from '../../builder.js';
import { RESULT_ERROR_MEANINGS } from '../../error-codes.js';
import { ErrorInterface } from '../result-error.js';
import { isUuid } from './shared.js';

const AccessReviewErrorCodeEnum = builder.enumType('AccessReviewErrorCode', {
  description: 'Stable codes of AccessReviewError; front-ends switch on these, never on messages.',
  values: Object.fromEntries(
    ACCESS_REVIEW_ERROR_CODES.map((code) => [code, { description: RESULT_ERROR_MEANINGS[code] }]),
  ) as Record<AccessReviewErrorCode, { description: string }>,
});

builder.objectType(AccessReviewError, {
  name: 'AccessReviewError',
  description:
    'Why drawing a sample or recording a review of the access log was refused. A refused command stores nothing.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AccessReviewError,
  fields: (t) => ({
    code: t.field({
      type: AccessReviewErrorCodeEnum,
      description: 'The stable code; switch on it, never on the message.',
      resolve: (e) => e.code,
    }),
  }),
});

/**
 * The result options of a log-review command: `<Name>Success { <dataField> }` or
 * AccessReviewError, each described.
 */
export function accessReviewResult(name: string, dataField: string, what: string) {
  return {
    types: [AccessReviewError],
    result: { description: `${name} was done: ${what}.` },
    union: { description: `What ${name} stored, or why it was refused (AccessReviewError).` },
    dataField: { name: dataField, description: `${what[0]!.toUpperCase()}${what.slice(1)}.` },
  };
}

/** A UUID the command names, or its INVALID_ID naming the field. */
export function reviewUuid(value: string | number, field: string): string {
  const text = String(value);
  if (!isUuid(text)) throw new AccessReviewError('INVALID_ID', `${field} must be a UUID.`, field);
  return text.toLowerCase();
}
