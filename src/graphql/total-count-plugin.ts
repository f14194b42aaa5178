import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';

/**
 * Describes the `totalCount` field the prisma plugin adds to a connection that counts
 * (`totalCount` in its options). The plugin builds that field itself, with no option for a
 * description; this plugin fills one in while the builder makes the schema, so each such
 * connection says what its count means. A description given in code is kept.
 */
export const TOTAL_COUNT_DESCRIPTION =
  'How many entries the whole list has with the same arguments (all pages, not just this one).';

export class TotalCountDescriptionPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    if (fieldConfig.description || !fieldConfig.extensions?.pothosPrismaTotalCount) {
      return fieldConfig;
    }
    return { ...fieldConfig, description: TOTAL_COUNT_DESCRIPTION };
  }
}

const pluginName = 'totalCountDescription';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      totalCountDescription: TotalCountDescriptionPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, TotalCountDescriptionPlugin);

export default pluginName;
