/**
 * Errors of the payment-responsibility rules, as values. The codes are stable: they are
 * surfaced as GraphQL `extensions.code` and named in invoice-run reports, and each message
 * says what a person has to fix (which event, which agreement, which year).
 */

export type PaymentErrorCode =
  /** The event list cannot be read as one stay: an event comes before what it depends on. */
  | 'EVENTS_OUT_OF_ORDER'
  /** The event list contradicts itself or the case record (e.g. an annulment of nothing). */
  | 'INVALID_TIMELINE'
  /** No agreement (not even a STATUTORY_DEFAULT entry) covers a day that must be judged. */
  | 'NO_AGREEMENT'
  /** An agreement has no price per day for a year in which it charges a day. */
  | 'MISSING_PRICE'
  /** Two agreements for the same region and municipality are valid on the same day. */
  | 'OVERLAPPING_AGREEMENTS'
  /** An agreement's configuration does not pass validation. */
  | 'INVALID_AGREEMENT';

/** One problem of an input, at a path such as `parameters.freeDays.somatic` or `prices[1].year`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface PaymentError {
  code: PaymentErrorCode;
  message: string;
  /** For INVALID_AGREEMENT: every field at fault, so a form can mark each one. */
  issues?: FieldIssue[];
}

export type PaymentResult<T> = { ok: true; value: T } | { ok: false; error: PaymentError };

export function ok<T>(value: T): PaymentResult<T> {
  return { ok: true, value };
}

export function fail<T>(
  code: PaymentErrorCode,
  message: string,
  issues?: FieldIssue[],
): PaymentResult<T> {
  return { ok: false, error: issues === undefined ? { code, message } : { code, message, issues } };
}
