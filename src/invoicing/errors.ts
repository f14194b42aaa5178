import type { FieldIssue, PaymentError } from '../domain/payment/errors.js';

/**
 * The one error an invoicing command can end with. GraphQL exposes it as the
 * `InvoicingError` member of every invoicing result union, with `code` from the
 * `InvoicingErrorCode` enum: clients switch on the code, people read the message, which
 * names what to fix (the event, the agreement, the year, the invoice). A refused command
 * writes nothing.
 */
export const INVOICING_ERROR_CODES = [
  // from the payment rules (src/domain/payment/errors.ts)
  'EVENTS_OUT_OF_ORDER',
  'INVALID_TIMELINE',
  'NO_AGREEMENT',
  'MISSING_PRICE',
  'OVERLAPPING_AGREEMENTS',
  'INVALID_AGREEMENT',
  // input
  'INVALID_ID',
  'INVALID_MONTH',
  'INVALID_INPUT',
  'MONTH_NOT_STARTED',
  'MONTH_NOT_ENDED',
  'NOT_A_CREDITOR',
  'ORGANIZATION_NOT_FOUND',
  'AGREEMENT_NOT_FOUND',
  'INVOICE_NOT_FOUND',
  'LINE_NOT_FOUND',
  // invoice states
  'INVALID_TRANSITION',
  'INVOICE_NOT_DRAFT',
  'INVOICE_NOT_SENT',
  'NOTHING_TO_CORRECT',
  'NOT_A_CHARGE',
  'ALREADY_CREDITED',
  'CONCURRENT_MODIFICATION',
  // cost sharing
  'MISSING_POPULATION',
  'DOUBLE_COUNTED_POPULATION',
  'NO_USERS',
] as const;

export type InvoicingErrorCode = (typeof INVOICING_ERROR_CODES)[number];

export class InvoicingError extends Error {
  constructor(
    readonly code: InvoicingErrorCode,
    message: string,
    readonly field: string | null = null,
    /** Every input field at fault (an agreement's validation), for a form to mark each. */
    readonly fieldErrors: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'InvoicingError';
  }

  static fromPayment(error: PaymentError, field: string | null = null): InvoicingError {
    const issues = error.issues ?? [];
    return new InvoicingError(
      error.code,
      error.message,
      field ?? (issues.length === 1 ? issues[0]!.field || null : null),
      issues,
    );
  }
}
