import { builder } from './builder.js';
import { RESULT_ERROR_MEANINGS } from './error-codes.js';

type ResultCode = keyof typeof RESULT_ERROR_MEANINGS;

/** What a typed mutation error carries: a stable code, a message for people, the field at fault. */
export interface ResultError<Code extends ResultCode> extends Error {
  readonly code: Code;
  readonly field: string | null;
}

/**
 * A mutation's typed error as GraphQL exposes it, `<name> { code message field }` with its
 * `<name>Code` enum (each code described from RESULT_ERROR_MEANINGS), and the options of a
 * field whose result is `<Field>Success { data } | <name>`, each described by what the field
 * answers. The error types written before this one (RetentionError, IdentityError,
 * InvoicingError) have the same shape, declared each in its own file.
 */
export function resultErrorType(
  // biome-ignore lint/suspicious/noExplicitAny: Pothos infers an object type's shape from a class constructor of any arguments
  errorClass: new (...args: any[]) => ResultError<ResultCode>,
  options: { name: string; codes: readonly ResultCode[]; description: string; field: string },
) {
  const codeEnum = builder.enumType(`${options.name}Code`, {
    description: `Stable codes of ${options.name}; front-ends switch on these, never on messages.`,
    values: Object.fromEntries(
      options.codes.map((code) => [code, { description: RESULT_ERROR_MEANINGS[code] }]),
      // Only the listed codes are values; typed as every result code, which e.code is.
    ) as unknown as Record<ResultCode, { description: string }>,
  });
  builder.objectType(errorClass, {
    name: options.name,
    description: options.description,
    isTypeOf: (value) => value instanceof errorClass,
    fields: (t) => ({
      code: t.field({
        type: codeEnum,
        description: 'What was refused, as a stable code to switch on.',
        resolve: (e) => e.code,
      }),
      message: t.exposeString('message', {
        description: 'What to fix, in English for people; never match on it.',
      }),
      field: t.string({
        nullable: true,
        description: options.field,
        resolve: (e) => e.field,
      }),
    }),
  });
  return (answer: string) => ({
    types: [errorClass],
    result: { description: `Success: ${answer.charAt(0).toLowerCase()}${answer.slice(1)}` },
    union: {
      description: `${answer.slice(0, -1)}; or a ${options.name} saying why it was refused.`,
    },
    dataField: { description: answer },
  });
}
