import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { RequestHandler } from 'express';
// Audit hook: the per-request access log and its writer (src/audit).
import { accessLogPlugin } from '../audit/plugin.js';
import { RequestAccessLog } from '../audit/request-access-log.js';
import { createCaseFactsLoader } from '../authz/case-facts.js';
import type { Principal } from '../authz/principal.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { countSqlStatements, currentSqlStatementCount } from '../db/sql-statement-counter.js';
import type { Actor } from '../domain/case/model.js';
import { connectionArgumentsPlugin } from '../graphql/connection-arguments.js';
import type { Context } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import type { Services } from '../services.js';
import { databaseUnavailableContext, databaseUnavailablePlugin } from './database-unavailable.js';
import type { Logger } from './logger.js';
import { maskError } from './mask-error.js';
import { currentRequest } from './request-context.js';
import { requestStatePlugin } from './request-state-plugin.js';
import { responseStatusPlugin } from './response-status.js';

/** Turns the Authorization header into a principal; throws GraphQLError for a bad token. */
export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;

/** Tokens in one document (GRAPHQL_PARSE_FAILED beyond). */
const MAX_TOKENS = 2000;

export async function createGraphQLServer(deps: {
  config: Config;
  db: Database;
  services: Services;
  httpServer: http.Server;
  authenticate: Authenticate;
  logger: Logger;
}): Promise<RequestHandler> {
  const { config, db, services, logger } = deps;
  const production = config.NODE_ENV === 'production';
  const plugins: ApolloServerPlugin<Context>[] = [
    // First, so the access log below sees a response whose database went away without data.
    databaseUnavailablePlugin(db.availability),
    ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
    // We set no cache hints; the plugin would still wrap every field resolver.
    ApolloServerPluginCacheControlDisabled(),
    // Apollo's landing pages load Apollo Sandbox from a CDN; browsers get our own IDE,
    // served from this process (src/web), before a request reaches Apollo.
    ApolloServerPluginLandingPageDisabled(),
  ];
  // Audit hook: commits the request's access-log rows before any response leaves, or
  // replaces the response with ACCESS_LOG_UNAVAILABLE (fail closed).
  plugins.push(
    accessLogPlugin({ db: db.pool, logger, lockWaitMs: config.ACCESS_LOG_LOCK_TIMEOUT_MS }),
  );
  plugins.push(redactionsPlugin());
  plugins.push(requestStatePlugin<Context>());
  plugins.push(connectionArgumentsPlugin<Context>());
  if (config.EXPOSE_SQL_COUNT) plugins.push(sqlCountPlugin());

  const armor = armorProtection(production);
  plugins.push(...(armor.plugins as ApolloServerPlugin<Context>[]));
  // Last, with no I/O of its own: the status follows from the final body (src/http/response-status.ts).
  plugins.push(responseStatusPlugin<Context>());

  const server = new ApolloServer<Context>({
    schema,
    plugins,
    validationRules: armor.validationRules,
    // 2,000 tokens: our largest operation, the case detail, is about 400.
    parseOptions: { maxTokens: MAX_TOKENS },
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskError(formatted, error, logger),
  });
  await server.start();

  return expressMiddleware(server, {
    context: databaseUnavailableContext(db.availability, async ({ req }) => {
      const principal = await deps.authenticate(req.headers.authorization);
      const request = currentRequest();
      // Staff, never a patient: who acted is on every log line of the request.
      if (request && principal) request.hsaId = principal.hsaId;
      const actor = principal ? await actorOf(principal, services) : null;
      return {
        // Given by requestContext (src/http/request-context.ts), the first middleware.
        requestId: request?.requestId ?? randomUUID(),
        prisma: db.prisma,
        reads: db.reads,
        principal,
        actor,
        services,
        now: () => new Date(),
        facts: createCaseFactsLoader(db.pool),
        redactions: [],
        // Audit hook: collects the patients this request touches (written by accessLogPlugin).
        access: new RequestAccessLog(),
        accessLogLockWaitMs: config.ACCESS_LOG_LOCK_TIMEOUT_MS,
      };
    }),
  });
}

/**
 * Limits as graphql-armor suggests, a little stricter: depth 10, 15 aliases, a cost limit,
 * and no field suggestions in production (they leak the schema). Every alias counts,
 * `__typename` too (armor lets that one through by default). The token limit is
 * graphql-js's own parse option: armor's parses the document again in a plugin hook,
 * where any syntax error became a 500. The subscription socket validates with the same
 * rules (src/subscriptions/server.ts).
 */
export function armorProtection(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: 10 },
    maxAliases: { n: 15, allowList: [] },
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    costLimit: { maxCost: 60_000, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 },
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

/** The acting commission's unit, when it is one Brygga knows and it is active. */
export async function actorOf(principal: Principal, services: Services): Promise<Actor | null> {
  const commission = principal.actingCommission;
  if (!commission) return null;
  const unit = await services.units.byHsaId(commission.unitHsaId);
  if (!unit?.active) return null;
  return {
    hsaId: principal.hsaId,
    name: principal.name,
    unitId: unit.id,
    organizationId: unit.organizationId,
  };
}

/** Lists the fields withheld from this response, with their reasons, in `extensions.redactions`. */
function redactionsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.redactions.length > 0 && response.body.kind === 'single') {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              redactions: contextValue.redactions,
            };
          }
        },
      };
    },
  };
}

/** Runs each operation inside a statement counter and reports the count in `extensions`. */
function sqlCountPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {};
        },
        async willSendResponse({ response }) {
          const count = currentSqlStatementCount();
          if (count !== undefined && response.body.kind === 'single') {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              sqlStatements: count,
            };
          }
        },
      };
    },
  };
}

/** Express middleware that gives every request its own statement counter. */
export const sqlCountScope: RequestHandler = (_req, _res, next) => {
  countSqlStatements(() => next());
};
