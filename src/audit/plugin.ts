import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Context } from '../graphql/context.js';
import type { Logger } from '../http/logger.js';
import { accessLogCommandAnswerBeyondRow } from '../metrics/registry.js';
import { AccessLogAppendBatches } from './append-batches.js';
import { RequestAccessLog } from './request-access-log.js';
import type { Queryable } from './writer.js';

export const ACCESS_LOG_UNAVAILABLE = 'ACCESS_LOG_UNAVAILABLE';
/**
 * What a client is told to wait before trying again: a log that could not be written is a
 * lock held past ACCESS_LOG_LOCK_TIMEOUT_MS or a database that went away, both short.
 */
export const ACCESS_LOG_RETRY_AFTER_SECONDS = 3;

/**
 * The access-log writer as an Apollo Server plugin. `willSendResponse` runs after
 * execution and before the body is serialised, so every patient the resolvers recorded
 * is known and nothing has left yet: the rows are committed here, and only then does the
 * response go out. If the write fails the response is replaced by one error and no data
 * (fail closed, ARCHITECTURE.md invariant 1). A request that touched no patient writes
 * nothing and costs nothing.
 *
 * A command's own rows are not written here: they commit with the command, in its
 * transaction (command-log.ts), naming what its answer reads. What is left here are the
 * other reads, and whatever a command's answer read beyond its row (should not happen:
 * written as a READ row, counted and logged as a warning); a command whose rows failed
 * makes the whole request fail closed.
 */
export function accessLogPlugin(deps: {
  db: Queryable;
  logger: Logger;
  now?: () => Date;
  /** Bound on the wait for the chain lock; null: none (tests of the plugin alone). */
  lockWaitMs?: number | null;
}): ApolloServerPlugin<Context> {
  // Concurrent requests' rows go in one statement (group commit): each still waits for its
  // own rows to commit before its response leaves.
  const appends = new AccessLogAppendBatches(deps.db, deps.lockWaitMs ?? null, { now: deps.now });
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          await writeOrFailClosed(requestContext, appends, deps.logger);
        },
      };
    },
  };
}

async function writeOrFailClosed(
  requestContext: GraphQLRequestContextWillSendResponse<Context>,
  appends: AccessLogAppendBatches,
  logger: Logger,
): Promise<void> {
  const { contextValue, response } = requestContext;
  // Undefined when the context could not be built (a bad token): no resolver ran.
  const log: unknown = contextValue?.access;
  if (log === undefined) return;
  const requestId = contextValue.requestId;
  try {
    if (!(log instanceof RequestAccessLog)) {
      throw new Error('ctx.access is not the per-request access log; refusing to answer');
    }
    if (log.failedClosed) {
      // A command's own rows failed and its transaction rolled back (command-log.ts): the
      // line names the database's reason, not this function's stack.
      logger.error('a command could not write its access-log rows; it was rolled back', {
        requestId,
        error: String(log.failureCause),
      });
      return withhold(response, requestId);
    }
    if (log.size === 0) return;
    if (response.body.kind !== 'single') {
      // Later increments could touch patients after this point: not allowed to start.
      throw new Error('incremental delivery cannot be access-logged before data leaves');
    }
    const result = response.body.singleResult;
    // A request that ended without any data returned nothing of the patients it touched.
    const failed = (result.data === null || result.data === undefined) && !!result.errors?.length;
    const accesses = log.collected().map((a) => ({
      ...a,
      outcome: failed && a.outcome === 'SUCCESS' ? ('FAILED' as const) : a.outcome,
    }));
    reportBeyondCommands(accesses, requestId, logger);
    await appends.append(
      {
        requestId,
        operationName: requestContext.operationName ?? requestContext.request.operationName ?? null,
        principal: contextValue.principal,
      },
      accesses,
    );
  } catch (error) {
    logger.error('access log write failed; the response is withheld', {
      requestId,
      error: String((error as Error)?.stack ?? error),
    });
    withhold(response, requestId);
  }
}

/**
 * A command's answer read what the command's row does not name: the walk of its selection
 * (src/graphql/answer-reads.ts) missed something. The read is written all the same; the
 * line names the categories and the request, never the patient.
 */
function reportBeyondCommands(
  accesses: readonly { beyondCommand?: true; categories: readonly string[] }[],
  requestId: string,
  logger: Logger,
): void {
  const beyond = accesses.filter((a) => a.beyondCommand);
  if (beyond.length === 0) return;
  accessLogCommandAnswerBeyondRow.inc(beyond.length);
  logger.warn('a command’s answer read beyond its access-log row; written as a READ row', {
    requestId,
    rows: beyond.length,
    categories: [...new Set(beyond.flatMap((a) => a.categories))].sort(),
  });
}

/** The fail-closed answer: 503 ACCESS_LOG_UNAVAILABLE with Retry-After, no data. */
function withhold(
  response: GraphQLRequestContextWillSendResponse<Context>['response'],
  requestId: string,
): void {
  response.http.status = 503;
  response.http.headers.set('retry-after', String(ACCESS_LOG_RETRY_AFTER_SECONDS));
  response.body = {
    kind: 'single',
    singleResult: {
      errors: [
        {
          message:
            'The access log could not be written, so no patient data is returned. Try again shortly.',
          extensions: { code: ACCESS_LOG_UNAVAILABLE, requestId },
        },
      ],
    },
  };
}
