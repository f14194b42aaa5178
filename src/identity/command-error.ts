/**
 * The one error an identity-administration command (an IdP, a mapping rule set, a
 * session, the signing key) can end with; GraphQL exposes it as the `IdentityError`
 * member of their result unions. A refused command changes nothing.
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
