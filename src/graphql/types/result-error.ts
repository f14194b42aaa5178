import { builder } from '../builder.js';

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
