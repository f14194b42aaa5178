import { GraphQLError } from 'graphql';
import { ForbiddenError, UnauthenticatedError } from '../authz/refusals.js';
import type { RequestErrorCode } from './error-codes.js';

/**
 * Errors that end a whole request or field (not the typed results of mutations): each
 * carries a stable `extensions.code` from src/graphql/error-codes.ts; anything else is
 * masked as INTERNAL_SERVER_ERROR by the server (src/http/mask-error.ts) so internals never
 * reach a client. The refusals of access (UNAUTHENTICATED, FORBIDDEN) are src/authz's own.
 */
export { ForbiddenError, UnauthenticatedError };

/**
 * A token was sent and is not valid (malformed, expired, revoked, its session ended): the
 * request ends before any resolver with 401 and RFC 6750's `invalid_token` challenge.
 * Apollo Server reads `extensions.http` into the response's status and headers.
 */
export class RejectedTokenError extends GraphQLError {
  constructor(reason: string) {
    super(`The access token is not valid (${reason}).`, {
      extensions: {
        code: 'UNAUTHENTICATED' satisfies RequestErrorCode,
        http: {
          status: 401,
          headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]),
        },
      },
    });
  }
}

export class BadInputError extends GraphQLError {
  constructor(code: RequestErrorCode, message: string, field?: string) {
    super(message, { extensions: { code, ...(field ? { field } : {}) } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(what: string) {
    super(`${what} was not found.`, {
      extensions: { code: 'NOT_FOUND' satisfies RequestErrorCode },
    });
  }
}
