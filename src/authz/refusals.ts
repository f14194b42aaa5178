import { GraphQLError } from 'graphql';

/**
 * The two ways access is refused before anything is read: nobody is signed in, or the one
 * signed in may not. They are GraphQL errors carrying their stable code (listed and
 * documented with the others in src/graphql/error-codes.ts), so that whoever asks
 * src/authz, a resolver, a node loader or a module's own access check, passes the refusal
 * on unchanged and the client sees the same answer from every path.
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
