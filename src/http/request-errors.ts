import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { DatabaseAvailability } from '../db/availability.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { REQUEST_ERROR_CODES, type RequestErrorCode } from '../graphql/error-codes.js';
import { DATABASE_UNAVAILABLE_MESSAGE, RETRY_AFTER_SECONDS } from './database-unavailable.js';
import type { Logger } from './logger.js';
import { GRAPHQL_RESPONSE_JSON, responseMediaType } from './response-status.js';

/** The largest request body the GraphQL endpoint reads (REQUEST_ERROR_CODES.PAYLOAD_TOO_LARGE). */
export const BODY_LIMIT = '256kb';

/**
 * Answers an error before GraphQL (a body too large, JSON that does not parse) as a
 * GraphQL-shaped JSON body with a stable code, in every NODE_ENV: Express's own handler
 * would answer an HTML page with a stack trace and file paths.
 */
export function sendRequestError(
  res: Response,
  code: RequestErrorCode,
  message: string,
  status: number = REQUEST_ERROR_CODES[code].status,
  extensions: Record<string, unknown> = {},
): void {
  const mediaType = responseMediaType(res.req.headers.accept);
  res
    .status(status)
    .type(mediaType === GRAPHQL_RESPONSE_JSON ? GRAPHQL_RESPONSE_JSON : 'application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

/** The errors body-parser raises, by its `type`, and how each is answered. */
const BODY_ERRORS: Record<string, { code: RequestErrorCode; message: string }> = {
  'entity.too.large': {
    code: 'PAYLOAD_TOO_LARGE',
    message: `The request body is larger than ${BODY_LIMIT}.`,
  },
  'entity.parse.failed': {
    code: 'MALFORMED_JSON',
    message: 'The request body is not well-formed JSON.',
  },
  'encoding.unsupported': {
    code: 'BAD_REQUEST',
    message: 'The request body’s content encoding is not supported.',
  },
  'charset.unsupported': {
    code: 'BAD_REQUEST',
    message: 'The request body’s charset is not supported: send UTF-8.',
  },
  'request.size.invalid': {
    code: 'BAD_REQUEST',
    message: 'The request body is shorter or longer than its Content-Length.',
  },
  'request.aborted': { code: 'BAD_REQUEST', message: 'The request body was cut off.' },
};

/**
 * A route outside GraphQL (the identity gateway, the pages, the token keys) that lost the
 * database: 503 with Retry-After, as GraphQL answers it, never a 500. A browser gets a
 * short page; anything else the JSON error body.
 */
function sendDatabaseUnavailable(req: Request, res: Response): void {
  res.set('Retry-After', String(RETRY_AFTER_SECONDS)).set('Cache-Control', 'no-store');
  if (req.accepts(['application/json', 'text/html']) === 'text/html') {
    res
      .status(503)
      .type('html')
      .send(
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Unavailable – Brygga</title></head>\n<body><main><h1>Brygga is unavailable for a moment</h1><p>${DATABASE_UNAVAILABLE_MESSAGE}</p></main></body></html>\n`,
      );
    return;
  }
  sendRequestError(res, 'DATABASE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, 503);
}

/**
 * Express's last error handler: known request faults by their code, a lost database as
 * DATABASE_UNAVAILABLE, anything else masked.
 */
export function requestErrorHandler(
  logger: Logger,
  availability: DatabaseAvailability,
): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (isDatabaseUnavailable(error)) {
      availability.report(error, 'request');
      return sendDatabaseUnavailable(req, res);
    }
    const type = (error as { type?: unknown })?.type;
    const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
    if (known) {
      const status = (error as { status?: unknown }).status;
      return sendRequestError(
        res,
        known.code,
        known.message,
        typeof status === 'number' && status >= 400 && status < 500 ? status : undefined,
      );
    }
    const reference = randomUUID();
    logger.error('unexpected error in an HTTP request', {
      reference,
      error: String((error as Error)?.stack ?? error),
    });
    return sendRequestError(
      res,
      'INTERNAL_SERVER_ERROR',
      `Something went wrong on our side. Reference: ${reference}`,
      500,
      { reference },
    );
  };
}
