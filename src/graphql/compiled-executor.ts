import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  type ExecutionResult,
  execute,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Apollo's hook for a custom executor: its `gateway` option (Apollo 4 and 5 have no other). */
type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type GatewayRequest = Parameters<GatewayExecutor>[0];

/**
 * Compiled documents kept per process. Each is a few generated functions; trusted documents
 * (production) are a few dozen, and this bound keeps arbitrary documents (TRUSTED_DOCUMENTS
 * off) from growing the process without end.
 */
const MAX_COMPILED_DOCUMENTS = 500;

const tracer = trace.getTracer('brygga-graphql-executor');

/**
 * Executes operations with graphql-jit: each validated document is compiled once into
 * JavaScript that walks the selection set directly, instead of graphql-js interpreting the
 * document for every field of every request (about 5,000 resolutions on a 50-case page,
 * docs/performance.md). Resolvers, the schema and every Apollo plugin stay as they are:
 * Apollo parses, validates (armor's limits included), runs the request hooks (access log,
 * redactions) and formats errors (masking) before and after this executor. What graphql-jit
 * cannot compile runs through graphql-js's `execute`, unchanged.
 *
 * Subscriptions never come here (graphql-ws executes them, src/subscriptions).
 */
export function compiledExecutorGateway(schema: GraphQLSchema): Gateway {
  const compiledSchema = withSharedPaths(schema);
  const compiled = new Map<string, CompiledQuery | null>();

  function compiledFor(request: GatewayRequest): CompiledQuery | null {
    const key = `${request.operationName ?? ''}\n${request.queryHash}`;
    const cached = compiled.get(key);
    if (cached !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      compiled.delete(key);
      compiled.set(key, cached);
      return cached;
    }
    let query: CompiledQuery | null = null;
    try {
      const result = compileQuery(
        compiledSchema,
        request.document,
        request.operationName ?? undefined,
      );
      // Not compiled (an operation graphql-jit refuses): graphql-js executes it and reports
      // whatever is wrong with it the way it always has.
      if (isCompiledQuery(result)) query = result;
    } catch {
      query = null;
    }
    compiled.set(key, query);
    if (compiled.size > MAX_COMPILED_DOCUMENTS) {
      compiled.delete(compiled.keys().next().value as string);
    }
    return query;
  }

  const executor: GatewayExecutor = async (request) => {
    const operationType = request.operation.operation;
    // The span graphql-js's execute would get from the OpenTelemetry graphql instrumentation
    // (which cannot see compiled execution): the operation's name and type, no source.
    return tracer.startActiveSpan('graphql.execute', async (span) => {
      span.setAttribute('graphql.operation.type', operationType);
      if (request.operationName) span.setAttribute('graphql.operation.name', request.operationName);
      try {
        const query = compiledFor(request);
        let result: ExecutionResult | undefined = query
          ? await query.query(undefined, request.context, request.request.variables ?? {})
          : undefined;
        // No data at all means execution never began: the variables did not coerce. graphql-js
        // words that refusal the way Apollo recognises as BAD_USER_INPUT (status 400), so it
        // answers; no resolver has run, so nothing runs twice.
        if (result === undefined || (result.data === undefined && result.errors?.length)) {
          result = await execute({
            schema,
            document: request.document,
            contextValue: request.context,
            variableValues: request.request.variables ?? {},
            operationName: request.operationName,
          });
        }
        if (result.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      } finally {
        span.end();
      }
    });
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      // One schema for the life of the process: announced once, never updated.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {
      compiled.clear();
    },
  };
}

type Path = GraphQLResolveInfo['path'];

/** Per request (its context object): the one link object for each response path. */
interface SharedPaths {
  top: Map<string | number, Path>;
  beneath: WeakMap<Path, Map<string | number, Path>>;
}
const sharedPaths = new WeakMap<object, SharedPaths>();

/**
 * The schema as graphql-jit runs it: every resolver sees `info.path` as the one link object
 * of its response path in the request, as graphql-js gives it. graphql-jit builds a new
 * chain of links for every resolver call, and Pothos' selection mapping
 * (@pothos/selection-mapper) keys what a planned query loaded by link identity: without this
 * each row of a list loads its relations again (one query per row instead of per list,
 * test/integration/sql-statements.int.test.ts). The schema graphql-js and the subscription
 * socket execute is not changed.
 */
function withSharedPaths(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const resolve = field.resolve;
      if (!resolve) return field;
      const shared: GraphQLFieldResolver<unknown, object> = (parent, args, context, info) => {
        (info as { path: Path }).path = sharedPath(context, info.path);
        return resolve(parent, args, context, info);
      };
      return { ...field, resolve: shared };
    },
  });
}

function sharedPath(context: object, path: Path): Path {
  let paths = sharedPaths.get(context);
  if (!paths) {
    paths = { top: new Map(), beneath: new WeakMap() };
    sharedPaths.set(context, paths);
  }
  return intern(paths, path);
}

function intern(paths: SharedPaths, path: Path): Path {
  const prev = path.prev ? intern(paths, path.prev) : undefined;
  let siblings = prev ? paths.beneath.get(prev) : paths.top;
  if (!siblings) {
    siblings = new Map();
    paths.beneath.set(prev as Path, siblings);
  }
  let link = siblings.get(path.key);
  if (!link) {
    link = { prev, key: path.key, typename: path.typename };
    siblings.set(path.key, link);
  }
  return link;
}
