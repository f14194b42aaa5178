import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

/**
 * Answers an exposed column of a select-mode Prisma object (Case, CaseEvent, Unit) from
 * the row when the row carries it, without @pothos/plugin-prisma's per-field look-up.
 *
 * In select mode a query loads only the columns its fields read, so plugin-prisma wraps
 * every exposed column in a resolver that asks @pothos/selection-mapper whether this
 * field's selection was loaded for this row: a walk up the response path with a string key
 * built per field per row (about 9 % of a 50-case list's CPU, docs/performance.md). For a
 * plain column the row answers that itself: Prisma puts exactly the selected columns on
 * the object it returns, so the property is there (null included) if and only if the column
 * was loaded. When it is there this plugin returns it; when it is not, plugin-prisma's
 * resolver runs as before and loads the row.
 *
 * Registered just before the prisma plugin, so every plugin listed earlier (the field
 * guard, scope-auth, errors) still wraps it; the plugins after prisma add nothing to a
 * column (relay wraps ids only, and the node id's own plugin only `id`).
 */
export class LoadedColumnPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const column = plainColumnOf(fieldConfig);
    if (column === null) return resolver;
    return (parent, args, ctx, info) =>
      Object.hasOwn(parent as object, column)
        ? (parent as Record<string, unknown>)[column]
        : resolver(parent, args, ctx, info);
  }
}

/**
 * The column an exposed field of a select-mode Prisma object reads, when its selection is
 * that column alone, with the default resolver (no arguments, no mapping of the value).
 */
export function plainColumnOf<Types extends SchemaTypes>(
  fieldConfig: PothosOutputFieldConfig<Types>,
): string | null {
  if (fieldConfig.kind !== 'PrismaObject') return null;
  const extensions = fieldConfig.extensions as
    | { pothosExposedField?: unknown; pothosPrismaSelect?: unknown }
    | undefined;
  const column = extensions?.pothosExposedField;
  const select = extensions?.pothosPrismaSelect;
  if (typeof column !== 'string' || column !== fieldConfig.name) return null;
  if (Object.keys(fieldConfig.args).length > 0) return null;
  if (typeof select !== 'object' || select === null) return null;
  const keys = Object.keys(select);
  if (keys.length !== 1 || keys[0] !== column) return null;
  return (select as Record<string, unknown>)[column] === true ? column : null;
}

const pluginName = 'loadedColumn';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      loadedColumn: LoadedColumnPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, LoadedColumnPlugin);

export default pluginName;
