import type { DomainError } from '../domain/case/model.js';

/**
 * The one error a workflow command can end with, whether the domain refused it
 * (INVALID_STATE, NOT_A_PARTY …) or the application did (NOT_FOUND,
 * CONCURRENT_MODIFICATION …). GraphQL exposes it as the `CommandError` member of every
 * mutation's result union, with `code` from the `ErrorCode` enum.
 */
export const COMMAND_ERROR_CODES = [
  // refused by the domain (src/domain/case/model.ts)
  'INVALID_STATE',
  'NOT_A_PARTY',
  'WRONG_PARTY',
  'NOT_A_RECIPIENT',
  'ALREADY_ACKNOWLEDGED',
  'EVENT_NOT_FOUND',
  'NOT_ANNULLABLE',
  'ALREADY_ANNULLED',
  'CARE_PLAN_NOT_FOUND',
  'INVALID_INPUT',
  'TIME_ORDER',
  // refused by the application
  'FORBIDDEN',
  'NO_ACTING_UNIT',
  'CASE_NOT_FOUND',
  'UNIT_NOT_FOUND',
  'UNIT_KIND_MISMATCH',
  'PATIENT_NOT_FOUND',
  'INVALID_PERSONAL_IDENTITY_NUMBER',
  'INVALID_HSA_ID',
  'INVALID_ID',
  'CONCURRENT_MODIFICATION',
  'IDEMPOTENCY_CONFLICT',
] as const;

export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** The values a message names, by name, for a client that words its own message. */
export type CommandErrorParams = Readonly<Record<string, string | number>>;

export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    readonly field: string | null = null,
    readonly params: CommandErrorParams = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }

  static fromDomain(error: DomainError): CommandError {
    return new CommandError(
      error.code,
      error.message,
      error.field === undefined ? null : dottedPath(error.field),
      error.params ?? {},
    );
  }
}

/** The domain names list entries `items[2].action`; the API's paths are `items.2.action`. */
export function dottedPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}
