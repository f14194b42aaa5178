import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Response } from 'express';
import { REQUEST_ERROR_CODES, type RequestErrorCode } from '../graphql/error-codes.js';
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

/** Express's last error handler: known request faults by their code, anything else masked. */
export function requestErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
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
