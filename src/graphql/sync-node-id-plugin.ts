import SchemaBuilder, {
  BasePlugin,
  isThenable,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';

/**
 * Answers every node's `id` synchronously. @pothos/plugin-relay resolves it with an
 * `async` function, so each node object of a response held a promise, and graphql-js
 * then awaited the whole object (`promiseForObject`) with its microtasks: together about
 * 8 % of a 50-case list's CPU profile (docs/performance.md). The global id needs only
 * the type's name and the row's key, both in hand, so this plugin puts a plain function
 * in place of the async one before any plugin wraps it: scope-auth and every other
 * wrapper still run around it, as they did around the async one. The value is the same string; a key
 * resolver that is itself asynchronous keeps the plugin's own resolver.
 */
export class SyncNodeIdPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    const idFieldName = this.builder.options.relay?.idFieldName ?? 'id';
    if (fieldConfig.name !== idFieldName || fieldConfig.kind !== 'Object') return fieldConfig;
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const key = (typeConfig.pothosOptions as { id?: { resolve?: unknown } }).id?.resolve;
    const original = fieldConfig.resolve;
    if (
      typeConfig.kind !== 'Object' ||
      typeof key !== 'function' ||
      typeof original !== 'function' ||
      fieldConfig.type.kind !== 'Scalar' ||
      this.buildCache.getTypeConfig(fieldConfig.type.ref).name !== 'ID'
    ) {
      return fieldConfig;
    }
    const typename = typeConfig.name;
    const keyOf = key as GraphQLFieldResolver<unknown, Types['Context']>;
    const custom = this.builder.options.relay?.encodeGlobalID;
    const encode = custom
      ? (id: string, ctx: Types['Context']) => custom(typename, id, ctx)
      : (id: string) => encodeGlobalID(typename, id);
    const resolve: GraphQLFieldResolver<unknown, Types['Context'], object> = (
      parent,
      args,
      ctx,
      info,
    ) => {
      const id = keyOf(parent, args, ctx, info);
      if (isThenable(id)) return original(parent, args, ctx, info);
      return encode(String(id), ctx);
    };
    return { ...fieldConfig, resolve };
  }
}

const pluginName = 'syncNodeId';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      syncNodeId: SyncNodeIdPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, SyncNodeIdPlugin);

export default pluginName;
