import { INVOICING_ERROR_CODES, InvoicingError } from '../../../invoicing/errors.js';
import { builder } from '../../builder.js';
import { RESULT_ERROR_MEANINGS } from '../../error-codes.js';
import { decodeId } from '../../global-id.js';
import { ErrorInterface } from '../result-error.js';

export const InvoicingErrorCode = builder.enumType('InvoicingErrorCode', {
  description: 'Stable codes of InvoicingError; front-ends switch on these, never on messages.',
  values: Object.fromEntries(
    INVOICING_ERROR_CODES.map((code) => [code, { description: RESULT_ERROR_MEANINGS[code] }]),
  ) as Record<(typeof INVOICING_ERROR_CODES)[number], { description: string }>,
});

const InvoicingFieldError = builder
  .objectRef<{ field: string; message: string }>('InvoicingFieldError')
  .implement({
    description: 'One input field at fault and what is wrong with it.',
    fields: (t) => ({
      field: t.exposeString('field', {
        description:
          'A dotted path into the input, e.g. "parameters.freeDays.somatic" or "prices[1].year"; empty for the input as a whole.',
      }),
      message: t.exposeString('message', {
        description: 'What is wrong with the field, in words for a person (English).',
      }),
    }),
  });

builder.objectType(InvoicingError, {
  name: 'InvoicingError',
  description:
    'Why an invoicing command or report was refused, naming what to fix. A refused command writes nothing.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvoicingError,
  fields: (t) => ({
    code: t.field({
      type: InvoicingErrorCode,
      description: 'What was refused, as a stable code to switch on.',
      resolve: (e) => e.code,
    }),
    fieldErrors: t.field({
      type: [InvoicingFieldError],
      description:
        'Every input field at fault, when the input was validated as a whole (an agreement); empty otherwise.',
      resolve: (e) => [...e.fieldErrors],
    }),
  }),
});

export const invoicingErrors = { types: [InvoicingError] };

/**
 * The error options of one invoicing field, with the result types the errors plugin
 * generates for it (`<Field>Success`, `<Field>Result`) described by what the field answers.
 */
export function invoicingResult(answer: string) {
  const said = answer.charAt(0).toUpperCase() + answer.slice(1);
  return {
    ...invoicingErrors,
    result: { description: `Success: ${answer}.` },
    union: { description: `${said}; or an InvoicingError saying why it was refused.` },
    dataField: { description: `${said}.` },
  };
}

/** A Relay id of the expected type, or INVALID_ID naming the field. */
export const idOf = (globalId: string | number, typename: string, field: string): string =>
  decodeId(
    globalId,
    typename,
    field,
    (message) => new InvoicingError('INVALID_ID', message, field),
  );
