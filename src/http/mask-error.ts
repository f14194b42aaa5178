import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { AccessLogUnavailableError } from '../audit/command-log.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { isRequestErrorCode, type RequestErrorCode } from '../graphql/error-codes.js';
import type { Logger } from './logger.js';

/**
 * The server's `formatError`: an error with a code of src/graphql/error-codes.ts goes out
 * as it is; anything else is logged with a fresh reference and answered as
 * INTERNAL_SERVER_ERROR with that reference only, so no internals reach a client. A new
 * mapping of an error kind to a stable code (say, a database fault) belongs here.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isRequestErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
    return {
      // Apollo prefixes errors thrown while building the context when it does not see
      // them as GraphQLErrors (two copies of graphql-js under the test runner); the
      // client gets the same message either way.
      message: formatted.message.replace(/^Context creation failed: /, ''),
      path: formatted.path,
      locations: formatted.locations,
      extensions: { ...formatted.extensions, code },
    };
  }
  const original = originalOf(error);
  if (original instanceof AccessLogUnavailableError || isDatabaseUnavailable(original)) {
    // Expected failures with their own answer: the access-log and database plugins replace
    // the whole response (503 ACCESS_LOG_UNAVAILABLE or DATABASE_UNAVAILABLE) and log it
    // once; logging it here too would report a known fault as an unexpected one.
    return {
      message: 'The request could not be completed. Try again shortly.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies RequestErrorCode },
    };
  }
  const reference = randomUUID();
  logger.error('unexpected error in a GraphQL request', {
    reference,
    error: String((original as Error)?.stack ?? original),
  });
  return {
    message: `Something went wrong on our side. Reference: ${reference}`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies RequestErrorCode, reference },
  };
}

function originalOf(error: unknown): unknown {
  let current = error;
  while (
    current !== null &&
    typeof current === 'object' &&
    'originalError' in current &&
    current.originalError
  ) {
    current = current.originalError;
  }
  return current;
}
