import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
// Audit hook: the per-request access log and its writer (src/audit).
import { accessLogPlugin } from '../audit/plugin.js';
import { RequestAccessLog } from '../audit/request-access-log.js';
import { createCaseFactsLoader } from '../authz/case-facts.js';
import type { Principal } from '../authz/principal.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { countSqlStatements, currentSqlStatementCount } from '../db/sql-statement-counter.js';
import type { Actor } from '../domain/case/model.js';
import type { Context } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import type { Services } from '../services.js';
import {
  DATABASE_UNAVAILABLE,
  databaseUnavailableContext,
  databaseUnavailablePlugin,
} from './database-unavailable.js';
import type { Logger } from './logger.js';

/** Turns the Authorization header into a principal; throws GraphQLError for a bad token. */
export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;

/** Codes we chose on purpose; any other error is an internal one and is masked. */
const STABLE_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_ID',
  'INVALID_PERIOD',
  'INVALID_PERSONAL_IDENTITY_NUMBER',
  'INVALID_HSA_ID',
  'FORBIDDEN_FILTER',
  'UNKNOWN_FIELD',
  'TRUSTED_DOCUMENT_REQUIRED',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  DATABASE_UNAVAILABLE,
]);

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
    production
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true }),
  ];
  // Audit hook: commits the request's access-log rows before any response leaves, or
  // replaces the response with ACCESS_LOG_UNAVAILABLE (fail closed).
  plugins.push(accessLogPlugin({ db: db.pool, logger }));
  plugins.push(redactionsPlugin());
  if (config.EXPOSE_SQL_COUNT) plugins.push(sqlCountPlugin());

  // Limits as graphql-armor suggests, a little stricter: depth 10, 15 aliases, 2000 tokens
  // (our largest operation, the case detail, is about 400), a cost limit, and no field
  // suggestions in production (they leak the schema).
  const armor = new ApolloArmor({
    maxDepth: { n: 10 },
    maxAliases: { n: 15 },
    maxTokens: { n: 2000 },
    maxDirectives: { n: 20 },
    costLimit: { maxCost: 60_000, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  plugins.push(...(armor.plugins as ApolloServerPlugin<Context>[]));

  const server = new ApolloServer<Context>({
    schema,
    plugins,
    validationRules: armor.validationRules,
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
      const actor = principal ? await actorOf(principal, services) : null;
      return {
        requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
        prisma: db.prisma,
        principal,
        actor,
        services,
        now: () => new Date(),
        facts: createCaseFactsLoader(db.pool),
        redactions: [],
        // Audit hook: collects the patients this request touches (written by accessLogPlugin).
        access: new RequestAccessLog(),
      };
    }),
  });
}

/** The acting commission's unit, when it is one Brygga knows and it is active. */
async function actorOf(principal: Principal, services: Services): Promise<Actor | null> {
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

function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && STABLE_CODES.has(code)) {
    return {
      message: formatted.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { ...formatted.extensions, code },
    };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const reference = randomUUID();
  logger.error('unexpected error in a GraphQL request', {
    reference,
    error: String((original as Error)?.stack ?? original),
  });
  return {
    message: `Something went wrong on our side. Reference: ${reference}`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
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
