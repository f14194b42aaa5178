import type { ApolloServerPlugin } from '@apollo/server';
import { parsePrismaCursor } from '@pothos/plugin-prisma';
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { BadInputError } from './errors.js';

/** The most rows one page of a connection returns, unless the field says otherwise. */
export const MAX_PAGE_SIZE = 100;

/**
 * What a connection field may declare in its `extensions`: its own page cap, and that it
 * reads its cursors itself (else they must be Pothos Prisma cursors).
 */
export interface ConnectionExtensions {
  maxPageSize?: number;
  ownCursors?: boolean;
}

const RELAY_ARGUMENTS = ['first', 'last', 'after', 'before'] as const;
type PageArguments = Partial<Record<(typeof RELAY_ARGUMENTS)[number], unknown>>;

/**
 * Every Relay connection of an operation, at any depth, checked before anything runs:
 * `first`/`last` out of range (negative, or above the cap: refused, never silently cut),
 * both at once, or a cursor paired with the wrong direction answer INVALID_ARGUMENT; a
 * cursor a Prisma connection cannot read answers INVALID_CURSOR (connections with cursors
 * of their own, `extensions: { ownCursors: true }`, read and refuse them in their resolvers). Checked on the whole operation
 * because Pothos plans a nested connection inside its parent's resolver, where its own
 * errors would be masked as INTERNAL_SERVER_ERROR.
 */
export function connectionArgumentsPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          checkOperation(schema, document, operation, request.variables ?? {});
        },
      };
    },
  };
}

function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): void {
  for (const { field, node } of connectionsOf(schema, document, operation)) {
    checkPage(field, pageArguments(node, variables));
  }
}

/** A Relay connection's field in an operation, with the definition it selects. */
interface ConnectionSelection {
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

/**
 * The connections an operation selects, found once per parsed operation: Apollo keeps one
 * parsed document per query text, so a query sent again (every request of a front end)
 * only has its page arguments checked, without walking its selections again. Keyed by the
 * operation alone: a server parses its own documents, and there is one schema
 * (src/graphql/schema.ts).
 */
const connectionsByOperation = new WeakMap<OperationDefinitionNode, ConnectionSelection[]>();

function connectionsOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): ConnectionSelection[] {
  let found = connectionsByOperation.get(operation);
  if (!found) {
    found = findConnections(schema, document, operation);
    connectionsByOperation.set(operation, found);
  }
  return found;
}

function findConnections(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): ConnectionSelection[] {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [],
    ),
  );
  const root = schema.getRootType(operation.operation);
  const seen = new Set<string>();
  const found: ConnectionSelection[] = [];
  const walk = (selections: SelectionSetNode, parent: GraphQLNamedType | null | undefined) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldsOf(parent)?.[selection.name.value];
        if (!field) continue;
        if (isConnection(field)) found.push({ field, node: selection });
        if (selection.selectionSet) walk(selection.selectionSet, namedTypeOf(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        walk(selection.selectionSet, on);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      }
    }
  };
  walk(operation.selectionSet, root);
  return found;
}

function fieldsOf(
  type: GraphQLNamedType | null | undefined,
): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return type && 'getFields' in type && !('getValues' in type)
    ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)
    : undefined;
}

function namedTypeOf(type: unknown): GraphQLNamedType {
  let current = type as { ofType?: unknown };
  while (current.ofType) current = current.ofType as { ofType?: unknown };
  return current as GraphQLNamedType;
}

function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const names = new Set(field.args.map((arg) => arg.name));
  return RELAY_ARGUMENTS.every((name) => names.has(name));
}

/** The literal or variable values of the Relay arguments; coercion errors are execution's. */
function pageArguments(node: FieldNode, variables: Record<string, unknown>): PageArguments {
  const page: PageArguments = {};
  for (const argument of node.arguments ?? []) {
    const name = argument.name.value as keyof PageArguments;
    if ((RELAY_ARGUMENTS as readonly string[]).includes(name))
      page[name] = argumentValue(argument.value, variables);
  }
  return page;
}

function argumentValue(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

function checkPage(field: GraphQLField<unknown, unknown>, page: PageArguments): void {
  const cap = (field.extensions as ConnectionExtensions).maxPageSize ?? MAX_PAGE_SIZE;
  for (const name of ['first', 'last'] as const) {
    const value = page[name];
    if (typeof value === 'number' && (value < 0 || value > cap)) {
      throw new BadInputError('INVALID_ARGUMENT', `${field.name}: ${name} must be 0–${cap}.`, name);
    }
  }
  const given = (name: keyof PageArguments) => page[name] !== undefined && page[name] !== null;
  if (given('first') && given('last')) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      `${field.name}: give first or last, not both.`,
      'last',
    );
  }
  if (given('after') && given('before')) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      `${field.name}: give after or before, not both.`,
      'before',
    );
  }
  if (given('first') && given('before')) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      `${field.name}: page forward with first and after.`,
      'before',
    );
  }
  if (given('last') && given('after')) {
    throw new BadInputError(
      'INVALID_ARGUMENT',
      `${field.name}: page backward with last and before.`,
      'after',
    );
  }
  if ((field.extensions as ConnectionExtensions).ownCursors) return;
  for (const name of ['after', 'before'] as const) {
    const cursor = page[name];
    if (typeof cursor !== 'string') continue;
    try {
      parsePrismaCursor(cursor);
    } catch {
      throw new BadInputError(
        'INVALID_CURSOR',
        `${field.name}: ${name} is not a cursor of this connection.`,
        name,
      );
    }
  }
}
