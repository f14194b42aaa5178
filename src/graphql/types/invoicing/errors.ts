import { INVOICING_ERROR_CODES, InvoicingError } from '../../../invoicing/errors.js';
import { builder } from '../../builder.js';
import { idOfType } from '../../global-id.js';

export const InvoicingErrorCode = builder.enumType('InvoicingErrorCode', {
  description: 'Stable codes of InvoicingError; front-ends switch on these, never on messages.',
  values: INVOICING_ERROR_CODES,
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
  isTypeOf: (value) => value instanceof InvoicingError,
  fields: (t) => ({
    code: t.field({ type: InvoicingErrorCode, resolve: (e) => e.code }),
    message: t.exposeString('message'),
    field: t.string({
      nullable: true,
      description: 'The input field at fault, as a dotted path, when one is.',
      resolve: (e) => e.field,
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

/** A Relay id of the expected type, or INVALID_ID naming the field. */
export function idOf(globalId: string | number, typename: string, field: string): string {
  const id = idOfType(globalId, typename);
  if (id === null)
    throw new InvoicingError('INVALID_ID', `${field} is not the id of a ${typename}.`, field);
  return id;
}
