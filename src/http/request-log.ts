import type { Request, RequestHandler, Response } from 'express';
import { httpRequestDuration, httpRequests, operationLabel } from '../metrics/registry.js';
import type { Logger } from './logger.js';
import { requestStateOf } from './request-context.js';

/** Probes and scrapes, logged at debug only: they would drown the lines that matter. */
const QUIET = new Set(['/healthz', '/readyz']);

/**
 * One log line and the request metrics per request, when its response has ended (or its
 * client has gone): method, path without the query string (a GET's query can carry
 * GraphQL variables), status, duration, and from the request context its id, operation
 * name, principal's HSA-ID and outcome. Never a header, a body or a query string.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const state = requestStateOf(res);
      const operation = operationLabel(operationOf(req, state?.operationName));
      const outcome = outcomeOf(res, state?.outcome);
      httpRequests.inc({ operation, outcome });
      httpRequestDuration.observe({ operation }, seconds);
      const line = {
        requestId: state?.requestId,
        operationName: state?.operationName ?? null,
        hsaId: state?.hsaId ?? null,
        method: req.method,
        // What a client asked for that does not exist is theirs to word: not logged.
        path: res.statusCode === 404 ? null : pathOf(req),
        status: res.statusCode,
        outcome,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (QUIET.has(pathOf(req))) logger.debug('request', line);
      else logger.info('request', line);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/** A GraphQL request's operation name; otherwise the route that answered, or `unmatched`. */
function operationOf(req: Request, operationName: string | undefined): string {
  if (operationName) return operationName;
  if (pathOf(req) === '/graphql') return '(anonymous)';
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.method} ${req.baseUrl}${route}`;
  return 'unmatched';
}

function outcomeOf(res: Response, graphqlOutcome: string | undefined): string {
  if (graphqlOutcome) return graphqlOutcome;
  return res.statusCode < 400 ? 'ok' : `http_${res.statusCode}`;
}

function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0]!;
}
