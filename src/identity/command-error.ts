/**
 * The one error an identity command can end with: the administration of an IdP, a mapping
 * rule set, a session or the signing key, and a person's choice of acting commission.
 * GraphQL exposes it as the `IdentityError` member of their result unions. A refused
 * command changes nothing.
 */
export const IDENTITY_ERROR_CODES = [
  'INVALID_ID',
  'INVALID_INPUT',
  'INVALID_IDP',
  'INVALID_METADATA',
  'INVALID_MAPPING_RULES',
  'CONCURRENT_MODIFICATION',
  'ALREADY_EXISTS',
  'IDENTITY_PROVIDER_NOT_FOUND',
  'RULE_SET_NOT_FOUND',
  'SESSION_NOT_FOUND',
  // a person choosing the commission to act in (src/identity/gateway.ts)
  'SESSION_NOT_ACTIVE',
  'NO_SUCH_COMMISSION',
  'NO_ACCESS',
] as const;

export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

export class IdentityCommandError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'IdentityCommandError';
  }
}
