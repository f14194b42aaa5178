import { GraphQLError } from 'graphql';

/**
 * Errors that end a whole request or field (not the typed results of mutations): each
 * carries a stable `extensions.code`; anything else is masked as INTERNAL_SERVER_ERROR
 * by the server (src/http/graphql-server.ts) so internals never reach a client.
 */
export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'Sign in first: the request has no valid access token.') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = 'Not allowed.') {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}

export class BadInputError extends GraphQLError {
  constructor(code: string, message: string, field?: string) {
    super(message, { extensions: { code, ...(field ? { field } : {}) } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(what: string) {
    super(`${what} was not found.`, { extensions: { code: 'NOT_FOUND' } });
  }
}
