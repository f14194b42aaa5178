import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import type PrismaTypes from '../db/generated/pothos-types.js';
import { getDatamodel } from '../db/generated/pothos-types.js';
import { isYearMonth } from '../domain/calendar.js';
import { MAX_PAGE_SIZE } from './connection-arguments.js';
import type { Context } from './context.js';
import { BadInputError, ForbiddenError, UnauthenticatedError } from './errors.js';
import FieldGuardPlugin from './field-guard-plugin.js';
import LoadedColumnPlugin from './loaded-column-plugin.js';
import LoadedRelationPlugin from './loaded-relation-plugin.js';
import SyncNodeIdPlugin from './sync-node-id-plugin.js';
import TotalCountDescriptionPlugin from './total-count-plugin.js';

/**
 * The one Pothos builder. Plugin order matters: the field guard and then scope-auth wrap
 * every resolver first, so no other plugin's work (prisma selections, error unions) runs
 * for a caller the policy refuses.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** A verified access token. */
    authenticated: boolean;
    /** An acting commission whose unit Brygga knows (needed for any case work). */
    actingUnit: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date | string };
    YearMonth: { Input: string; Output: string };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    Decimal: {
      Input: string;
      Output: string | { toFixed(digits: number): string } | { toString(): string };
    };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  plugins: [
    // Field-level authorization of `guard(...)` fields (src/graphql/field-guard.ts).
    FieldGuardPlugin,
    ScopeAuthPlugin,
    ErrorsPlugin,
    // A select-mode object's column answered from the row when loaded (see the plugin).
    LoadedColumnPlugin,
    // A to-one relation answered from the row when loaded with what is read of it (see the plugin).
    LoadedRelationPlugin,
    PrismaPlugin,
    RelayPlugin,
    // Every node's `id` answered without a promise (see the plugin).
    SyncNodeIdPlugin,
    // Describes the totalCount field the prisma plugin adds to counting connections.
    TotalCountDescriptionPlugin,
  ],
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.principal !== null,
      actingUnit: ctx.actor !== null,
    }),
    // No token at all is "sign in first"; a token without the needed scope is "not allowed".
    unauthorizedError: (_parent, context, _info, result) =>
      context.principal ? new ForbiddenError(result.message) : new UnauthenticatedError(),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    defaultConnectionSize: 20,
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // The Relay plumbing every connection shares, described once.
    nodeTypeOptions: { description: 'An object with a global id that `node(id:)` can load.' },
    idFieldOptions: {
      description: 'The global id: pass it to `node(id:)` or to any input that takes this object.',
    },
    pageInfoTypeOptions: { description: 'Where a page of a connection stands in the whole list.' },
    defaultConnectionTypeOptions: { description: 'One page of a list (a Relay connection).' },
    defaultEdgeTypeOptions: { description: 'One entry of a page, with its cursor.' },
    cursorFieldOptions: {
      description: 'Pass as `after` (or `before`) to page on from this entry.',
    },
    nodeFieldOptions: { description: 'The entry itself.' },
    edgesFieldOptions: { description: 'The entries of this page, in the list’s order.' },
    pageInfoFieldOptions: {
      description: 'Whether there are more pages, and the cursors to reach them.',
    },
    hasNextPageFieldOptions: { description: 'Whether entries follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether entries precede this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first entry of this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last entry of this page.' },
    firstArgOptions: {
      description: `Page forward: at most this many entries (0–${MAX_PAGE_SIZE} unless the list says otherwise); not with \`last\`.`,
    },
    lastArgOptions: {
      description: `Page backward: at most this many entries (0–${MAX_PAGE_SIZE} unless the list says otherwise); not with \`first\`.`,
    },
    afterArgOptions: { description: 'Entries after this cursor (with `first`).' },
    beforeArgOptions: { description: 'Entries before this cursor (with `last`).' },
    nodeQueryOptions: {
      description:
        'Any object by its global id; null when it does not exist or you may not see it.',
      args: { id: { description: 'A global id, as any `id` field answers it.' } },
    },
    nodesQueryOptions: {
      description:
        'Several objects by their global ids, in the same order; null for each one not found or not visible.',
      args: { ids: { description: 'Global ids, as `id` fields answer them.' } },
    },
    // An id that does not decode, or names a type that is no node (or no type at all), is
    // bad input with a stable code, not a server error.
    decodeGlobalID: (globalID) => {
      const decoded = decodeNodeId(globalID);
      if (!decoded || !isNodeType(decoded.typename)) {
        throw new BadInputError('INVALID_ID', 'That is not the id of anything here.', 'id');
      }
      return decoded;
    },
  },
  errors: {
    defaultTypes: [],
    defaultResultOptions: { name: ({ fieldName }) => `${upperFirst(fieldName)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${upperFirst(fieldName)}Result` },
  },
});

function decodeNodeId(globalID: string): { typename: string; id: string } | null {
  try {
    return decodeGlobalID(globalID);
  } catch {
    return null;
  }
}

/** A type `node(id:)` can load: one the relay or prisma plugin registered a loader for. */
function isNodeType(typename: string): boolean {
  try {
    const options = builder.configStore.getTypeConfig(typename, 'Object').pothosOptions as Record<
      string,
      unknown
    >;
    return ['loadOne', 'loadMany', 'loadWithoutCache', 'loadManyWithoutCache'].some(
      (key) => typeof options[key] === 'function',
    );
  } catch {
    return false;
  }
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('Date', DateResolver);

/** A `Date` argument as the calendar day it names (the scalar reads "2026-01-05" as UTC midnight). */
export function calendarDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.scalarType('Decimal', {
  description: 'An exact decimal amount, serialised as a string (e.g. "9300.00").',
  serialize: (value) =>
    typeof value === 'string' ? value : 'toFixed' in value ? value.toFixed(2) : value.toString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) {
      throw new TypeError('Decimal must be a string of digits, e.g. "9300.00"');
    }
    return value;
  },
});

function yearMonth(value: unknown): string {
  if (typeof value !== 'string' || !isYearMonth(value))
    throw new TypeError('YearMonth must be a calendar month written YYYY-MM, e.g. "2026-01"');
  return value;
}
builder.scalarType('YearMonth', {
  description:
    'A calendar month, written YYYY-MM (e.g. "2026-01"): an invoice period, a statistics month. Anything else is refused before the operation runs (BAD_USER_INPUT for a variable).',
  serialize: yearMonth,
  parseValue: yearMonth,
});

builder.queryType({
  description:
    'Reads. What a field answers depends on who asks: lists hold only what you may see, and a field withheld from you is null with the reason in `extensions.redactions`.',
});
builder.mutationType({
  description:
    'Commands. A refused command writes nothing; most answer a result union whose error member says why.',
});
