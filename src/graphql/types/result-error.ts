import { builder } from '../builder.js';
import { RESULT_ERROR_MEANINGS } from '../error-codes.js';

/** The values an error message names, by name, for a client that words its own message. */
export type ErrorParams = Readonly<Record<string, string | number>>;

/**
 * What every refusal answered as data carries, whichever part of the API refused it
 * (workflow, invoicing, retention, identity administration, the log review): a client
 * renders any of them with one fragment on `Error` and switches on the type's own `code`.
 */
export interface ResultError {
  readonly message: string;
  readonly field: string | null;
  readonly params?: ErrorParams;
}

const ErrorParam = builder
  .objectRef<{ name: string; value: string }>('CommandErrorParam')
  .implement({
    description:
      'A value an error message names (a limit, a status, an id), so a client can word the message itself. (Named for the workflow’s error, where it first appeared; every `Error` carries it.)',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'What the value is, e.g. `max` or `status`.' }),
      value: t.exposeString('value', { description: 'The value, written as text.' }),
    }),
  });

export const ErrorInterface = builder.interfaceRef<ResultError>('Error').implement({
  description:
    'What every refusal answered as data has, in every result union of the API: a message for people, the input field at fault and the values the message names. Each error type adds its own `code` enum.',
  fields: (t) => ({
    message: t.exposeString('message', {
      description: 'What went wrong, in English, for people; never match on it (use the code).',
    }),
    field: t.string({
      nullable: true,
      description:
        'The argument or input field at fault, as a dotted path (e.g. `items.0.action`, `input.month`, `sessionId`); set whenever one field is at fault, null when none is (who acts, the state of the record).',
      resolve: (e) => e.field,
    }),
    params: t.field({
      type: [ErrorParam],
      description: 'The values the message names, by name; empty when it names none.',
      resolve: (e) =>
        Object.entries(e.params ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    }),
  }),
});

type ResultCode = keyof typeof RESULT_ERROR_MEANINGS;

/** A typed refusal of one part of the API: its stable code besides the Error interface. */
export interface TypedResultError<Code extends ResultCode> extends ResultError {
  readonly code: Code;
}

/**
 * A mutation's typed error as GraphQL exposes it: `<name> implements Error { code … }`
 * with its `<name>Code` enum (each code described from RESULT_ERROR_MEANINGS), and the
 * options of a field whose result is `<Field>Success { <data> } | <name>`, each described
 * by what the field answers. IdentityError (its results worded per command) and
 * InvoicingError (with `fieldErrors` besides) are declared in their own files.
 */
export function resultErrorType(
  // biome-ignore lint/suspicious/noExplicitAny: Pothos infers an object type's shape from a class constructor of any arguments
  errorClass: new (...args: any[]) => TypedResultError<ResultCode>,
  options: { name: string; codes: readonly ResultCode[]; description: string },
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
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof errorClass,
    fields: (t) => ({
      code: t.field({
        type: codeEnum,
        description: 'What was refused, as a stable code to switch on.',
        resolve: (e) => e.code,
      }),
    }),
  });
  return (answer: string, dataField?: string) => ({
    types: [errorClass],
    result: { description: `Success: ${answer.charAt(0).toLowerCase()}${answer.slice(1)}` },
    union: {
      description: `${answer.slice(0, -1)}; or a ${options.name} saying why it was refused.`,
    },
    dataField: { ...(dataField ? { name: dataField } : {}), description: answer },
  });
}
