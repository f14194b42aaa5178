/**
 * GraphQL subscriptions over the graphql-ws protocol, on the HTTP server's own port and
 * path (`/graphql`, an HTTP upgrade). What a query gets from src/http, a socket gets here:
 *
 * - Sign-in: `connection_init` carries `{ authorization: "Bearer <access token>" }`; the
 *   token and its live session are checked by src/identity as for a query, and the acting
 *   commission's unit is the actor. No token or a bad one: close 4401.
 * - Staying signed in: the token and session are checked again every
 *   SUBSCRIPTION_SESSION_CHECK_SECONDS and before every delivery; a revoked session closes
 *   the socket with 4440, an expired token (at its `exp`) with 4441 (./close-codes.ts).
 * - Only subscriptions: queries and mutations go to POST /graphql, where their plugins
 *   (CSRF, limits, the access log of commands) are.
 * - Every delivery is a request for the access log: its reads are appended before it is
 *   sent; if that fails it is replaced by ACCESS_LOG_UNAVAILABLE without data (fail
 *   closed), as src/audit/plugin.ts does for HTTP. Withheld fields are listed in
 *   `extensions.redactions`, and errors are masked by the same formatError.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import {
  type DocumentNode,
  execute,
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  subscribe,
  type ValidationRule,
  validate,
} from 'graphql';
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { type WebSocket, WebSocketServer } from 'ws';
import { AccessLogAppendBatches } from '../audit/append-batches.js';
import { RequestAccessLog } from '../audit/request-access-log.js';
import { createCaseFactsLoader } from '../authz/case-facts.js';
import type { Principal } from '../authz/principal.js';
import type { Database } from '../db/client.js';
import type { Actor } from '../domain/case/model.js';
import type { Context } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import type { Logger } from '../http/logger.js';
import { maskError } from '../http/mask-error.js';
import { InvalidTokenError } from '../identity/tokens.js';
import {
  accessLogAppendFailures,
  subscriptionDeliveries,
  subscriptionDeliveriesAwaitingLog,
  subscriptionSockets,
} from '../metrics/registry.js';
import type { Services } from '../services.js';
import type { CaseEventFeed } from './case-event-feed.js';
import { CLOSE } from './close-codes.js';
import { DeliverySlots } from './delivery-slots.js';

/** The same bound on a document's size as POST /graphql (src/http/graphql-server.ts). */
const MAX_TOKENS = 2000;

interface Connection {
  authorization: string;
  principal: Principal;
  actor: Actor;
  expiresAt: number;
  timers: NodeJS.Timeout[];
}

export interface SubscriptionServer {
  /** Open sockets. */
  readonly size: number;
  close(): Promise<void>;
}

export function createSubscriptionServer(deps: {
  httpServer: http.Server;
  db: Database;
  services: Services;
  feed: CaseEventFeed;
  authenticate: (authorization: string) => Promise<Principal | null>;
  /**
   * Whether a session is still live, from the process's session cache (at most
   * IDENTITY_SESSION_CACHE_SECONDS old): the check before each delivery.
   */
  sessionActive: (sessionId: string) => Promise<boolean>;
  actorOf: (principal: Principal) => Promise<Actor | null>;
  logger: Logger;
  sessionCheckSeconds: number;
  accessLogLockWaitMs: number;
  validationRules: readonly ValidationRule[];
  /** Deliveries using the database at once: the pool less room for requests. */
  deliverySlots: number;
}): SubscriptionServer {
  const { db, services, feed, logger } = deps;
  const slots = new DeliverySlots(deps.deliverySlots);
  // The deliveries of one event are logged together: one statement, one row per access.
  const appends = new AccessLogAppendBatches(db.pool, deps.accessLogLockWaitMs);
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql' });
  const connections = new WeakMap<WebSocket, Connection>();

  const close = (socket: WebSocket, reason: { code: number; reason: string }) => {
    const connection = connections.get(socket);
    for (const timer of connection?.timers ?? []) clearTimeout(timer);
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      socket.close(reason.code, reason.reason);
    }
  };

  /** The socket's connection while it is open and its token unexpired; else closes it. */
  const openConnection = (socket: WebSocket): Connection | null => {
    const connection = connections.get(socket);
    if (!connection || socket.readyState !== socket.OPEN) return null;
    if (Date.now() < connection.expiresAt) return connection;
    close(socket, CLOSE.TOKEN_EXPIRED);
    return null;
  };

  /** Checks token and session again; closes the socket with the reason when either ended. */
  const recheck = async (socket: WebSocket): Promise<boolean> => {
    const connection = openConnection(socket);
    if (!connection) return false;
    try {
      const principal = await deps.authenticate(connection.authorization);
      if (principal) return true;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) {
        // The database could not say: keep the socket, the next check decides.
        logger.warn('subscription session check failed', { error: String(error) });
        return true;
      }
      close(socket, error.reason === 'expired' ? CLOSE.TOKEN_EXPIRED : CLOSE.SESSION_ENDED);
      return false;
    }
    close(socket, CLOSE.SESSION_ENDED);
    return false;
  };

  /**
   * The check before a delivery: the token's expiry and its session, from the session
   * cache. The token itself cannot change on the socket and was verified at connect and
   * at every periodic check (`recheck`, which also closes a revoked session's socket
   * without waiting for an event), so a thousand deliveries of one event do not verify a
   * thousand signatures.
   */
  const stillSignedIn = async (socket: WebSocket): Promise<boolean> => {
    const connection = openConnection(socket);
    if (!connection) return false;
    try {
      if (await deps.sessionActive(connection.principal.sessionId)) return true;
    } catch (error) {
      // The database could not say: as in `recheck`, the next check decides.
      logger.warn('subscription session check failed', { error: String(error) });
      return true;
    }
    close(socket, CLOSE.SESSION_ENDED);
    return false;
  };

  const server = serveGraphqlWs<Record<string, unknown>>(
    {
      schema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const raw = ctx.connectionParams?.authorization;
        const authorization = typeof raw === 'string' ? raw : '';
        let principal: Principal | null = null;
        try {
          principal = authorization ? await deps.authenticate(authorization) : null;
        } catch (error) {
          if (!(error instanceof InvalidTokenError)) throw error;
        }
        if (!principal) {
          close(socket, CLOSE.UNAUTHORIZED);
          return false;
        }
        const actor = await deps.actorOf(principal);
        if (!actor) {
          close(socket, CLOSE.NO_ACTING_UNIT);
          return false;
        }
        const token = authorization.replace(/^Bearer /, '');
        const expiresAt = (decodeJwt(token).exp ?? 0) * 1000;
        const connection: Connection = { authorization, principal, actor, expiresAt, timers: [] };
        connections.set(socket, connection);
        const check = setInterval(() => void recheck(socket), deps.sessionCheckSeconds * 1000);
        const expiry = setTimeout(
          () => close(socket, CLOSE.TOKEN_EXPIRED),
          Math.max(0, expiresAt - Date.now()),
        );
        check.unref();
        expiry.unref();
        connection.timers.push(check, expiry);
        subscriptionSockets.inc();
        socket.once('close', () => {
          for (const timer of connection.timers) clearTimeout(timer);
          subscriptionSockets.dec();
        });
        return true;
      },
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: MAX_TOKENS });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = validate(schema, document, [...specifiedRules, ...deps.validationRules]);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName ?? undefined);
        if (operation?.operation !== 'subscription') {
          return [
            new GraphQLError('Only subscriptions are served over the WebSocket: POST /graphql.', {
              extensions: { code: 'BAD_REQUEST' },
            }),
          ];
        }
        // Parsed and validated here, with our limits: graphql-ws executes these arguments.
        return {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
        };
      },
      execute,
      subscribe,
      context: (ctx): Context => {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket)!;
        return {
          requestId: randomUUID(),
          prisma: db.prisma,
          reads: db.reads,
          principal: connection.principal,
          actor: connection.actor,
          services,
          now: () => new Date(),
          facts: createCaseFactsLoader(db.pool),
          redactions: [],
          access: new RequestAccessLog(),
          accessLogLockWaitMs: deps.accessLogLockWaitMs,
          live: { feed, pool: db.pool, slots, stillSignedIn: () => stillSignedIn(socket) },
        };
      },
      onNext: async (_ctx, _id, payload, args, result) => {
        const context = args.contextValue as Context;
        const errors = result.errors?.map((e) => maskError(e.toJSON(), e, logger));
        const log = context.access;
        // Its reads are done: the slot goes to the next delivery while this one waits for
        // its rows to be written with the others' (one pool connection for them all).
        context.live?.heldSlot?.();
        subscriptionDeliveriesAwaitingLog.inc();
        try {
          if (!(log instanceof RequestAccessLog)) throw new Error('not the delivery access log');
          const failed = !result.data && !!result.errors?.length;
          await appends.append(
            {
              requestId: context.requestId,
              operationName: payload.operationName ?? null,
              principal: context.principal,
            },
            log.collected().map((a) => ({
              ...a,
              outcome: failed && a.outcome === 'SUCCESS' ? ('FAILED' as const) : a.outcome,
            })),
          );
        } catch (error) {
          subscriptionDeliveriesAwaitingLog.dec();
          accessLogAppendFailures.inc();
          subscriptionDeliveries.inc({ outcome: 'ACCESS_LOG_UNAVAILABLE' });
          logger.error('access log write failed; the delivery is withheld', {
            requestId: context.requestId,
            error: String((error as Error)?.stack ?? error),
          });
          return {
            errors: [
              {
                message:
                  'The access log could not be written, so no patient data is delivered. Resubscribe shortly.',
                extensions: { code: 'ACCESS_LOG_UNAVAILABLE', requestId: context.requestId },
              },
            ],
          };
        }
        subscriptionDeliveriesAwaitingLog.dec();
        subscriptionDeliveries.inc({ outcome: errors?.length ? 'error' : 'ok' });
        return {
          ...(result.data !== undefined ? { data: result.data } : {}),
          ...(errors?.length ? { errors } : {}),
          extensions: {
            requestId: context.requestId,
            ...(context.redactions.length > 0 ? { redactions: context.redactions } : {}),
          },
        };
      },
    },
    wss,
  );

  return {
    get size() {
      return wss.clients.size;
    },
    async close() {
      for (const socket of wss.clients) close(socket, CLOSE.GOING_AWAY);
      await server.dispose();
    },
  };
}
