import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { DatabaseAvailability } from '../db/availability.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';

/**
 * Requests that lose the database on the way: one retryable answer, HTTP 503 with
 * Retry-After and the stable code DATABASE_UNAVAILABLE, and nothing of what the request
 * had gathered so far. A lost connection inside a transaction commits nothing (the server
 * rolls back what an ended session had begun), so a client may send the request again.
 */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';
/** A failover or restart usually takes seconds; terminated connections are replaced at once. */
export const RETRY_AFTER_SECONDS = 3;

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is not reachable at the moment. Try again shortly.';

function unavailableError(requestId?: string): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: {
      code: DATABASE_UNAVAILABLE,
      ...(requestId ? { requestId } : {}),
      http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/**
 * Replaces a GraphQL response any of whose errors is a connection failure by the one
 * retryable error: never 200, never the data gathered before the connection went (a
 * nullable field that failed would otherwise leave partial patient data beside the error).
 * It replaces the body before its first await, so a plugin that runs after it in the
 * same hook (the access log) sees a response without data.
 */
export function databaseUnavailablePlugin<C extends BaseContext & { requestId?: string }>(
  availability: DatabaseAvailability,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ errors, response, contextValue }) {
          const lost = errors?.find(isDatabaseUnavailable);
          if (!lost) return;
          availability.report(lost, 'request');
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          const error = unavailableError(contextValue?.requestId);
          response.body = {
            kind: 'single',
            singleResult: {
              errors: [{ message: error.message, extensions: withoutHttp(error.extensions) }],
            },
          };
        },
      };
    },
  };
}

/**
 * Wraps the GraphQL context function: a connection failure while building the context
 * (the session check, the acting unit) answers DATABASE_UNAVAILABLE with 503 instead of
 * Apollo's "Context creation failed" 500.
 */
export function databaseUnavailableContext<A extends unknown[], C>(
  availability: DatabaseAvailability,
  context: (...args: A) => Promise<C>,
): (...args: A) => Promise<C> {
  return async (...args) => {
    try {
      return await context(...args);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      availability.report(error, 'request');
      throw unavailableError();
    }
  };
}

function withoutHttp(extensions: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, ...rest } = extensions;
  return rest;
}
