import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { Context } from './context.js';
import { type GuardExtensions, guardedResolver } from './field-guard.js';

/**
 * Puts the field guard (src/graphql/field-guard.ts) in front of every field declared with
 * `guard(...)` or `guardNeverWithheld(...)`: the fields whose schema extensions carry a
 * category and a `locate`. Registered first, so its wrapper is the outermost and a field
 * the caller may not read runs nothing of any other plugin (no Prisma fallback query).
 * Unlike a scope-auth `authScopes` function, it adds no per-call step list, closures or
 * request cache: a readable field costs its object's lens and one decision lookup.
 */
export class FieldGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const guarded = fieldConfig.extensions as Partial<GuardExtensions> | undefined;
    if (guarded?.category === undefined || guarded.locate === undefined) return resolver;
    return guardedResolver(
      guarded as GuardExtensions,
      !fieldConfig.type.nullable,
      resolver as GraphQLFieldResolver<unknown, Context, object>,
    ) as GraphQLFieldResolver<unknown, Types['Context'], object>;
  }
}

const pluginName = 'fieldGuard';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      fieldGuard: FieldGuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, FieldGuardPlugin);

export default pluginName;
