import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * What the logs and metrics need to know of the request being served, wherever in its
 * handling a line is logged: its id, and once known the GraphQL operation's name, the
 * principal's HSA-ID (staff, never a patient) and how the operation ended.
 */
export interface RequestState {
  requestId: string;
  operationName?: string;
  hsaId?: string;
  /** `ok`, or the stable code of the response's first error (src/graphql/error-codes.ts). */
  outcome?: string;
}

const storage = new AsyncLocalStorage<RequestState>();

/** The request this code runs for, if any. */
export function currentRequest(): RequestState | undefined {
  return storage.getStore();
}

/** An X-Request-Id a proxy set is kept when it is a plain token; anything else is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware: gives the request its id (the client's X-Request-Id when it is a
 * plain token, else a UUID), answers it in X-Request-Id, and serves the rest of the
 * request inside its state. `res.locals.request` holds the same state.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  const state: RequestState = { requestId };
  res.locals.request = state;
  res.setHeader('x-request-id', requestId);
  storage.run(state, next);
};

/** The state requestContext gave this response. */
export function requestStateOf(res: { locals: Record<string, unknown> }): RequestState | undefined {
  return res.locals.request as RequestState | undefined;
}
