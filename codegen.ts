import type { CodegenConfig } from '@graphql-codegen/cli';

/** How both targets render the schema's scalars and enums. */
const typescriptConfig = {
  emitLegacyCommonJSImports: false,
  useTypeImports: true,
  enumsAsTypes: true,
  scalars: {
    DateTime: 'string',
    Date: 'string',
    YearMonth: 'string',
    Decimal: 'string',
    JSONObject: 'Record<string, unknown>',
  },
};

/**
 * Typed documents for clients and for our own tests:
 * - every operation in test/operations/*.graphql becomes a TypedDocumentNode in
 *   test/generated/, used with graphql-request against a started server;
 * - the console's operations (web/console/src/**\/*.graphql) become the console's typed
 *   documents in web/console/src/generated/, which its GraphQL client (urql) runs.
 * Each target has its own documents, so neither depends on the other's.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      documents: ['test/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: typescriptConfig,
    },
    'web/console/src/generated/': {
      documents: ['web/console/src/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: typescriptConfig,
    },
  },
};

export default config;
