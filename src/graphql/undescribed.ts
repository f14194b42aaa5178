import type { GraphQLNamedType, GraphQLSchema } from 'graphql';

/** GraphQL's own scalars, described by the specification. */
const SPECIFIED_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID'];

interface FieldLike {
  name: string;
  description?: string | null;
  args?: readonly { name: string; description?: string | null }[];
}

/**
 * Every type, field, argument and enum value of the schema without a description, as
 * `type T`, `field T.f`, `arg T.f(a)`, `enum E.V`, sorted. The schema test requires this
 * list to be empty. Types are told apart by shape, not `instanceof`, so a test runner
 * that loads a second copy of graphql reads the same schema.
 */
export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__') || SPECIFIED_SCALARS.includes(type.name)) continue;
    if (!type.description) missing.push(`type ${type.name}`);
    if ('getFields' in type) {
      for (const field of Object.values(type.getFields()) as FieldLike[]) {
        if (!field.description) missing.push(`field ${type.name}.${field.name}`);
        for (const arg of field.args ?? []) {
          if (!arg.description) missing.push(`arg ${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if ('getValues' in type) {
      for (const value of type.getValues()) {
        if (!value.description) missing.push(`enum ${type.name}.${value.name}`);
      }
    }
  }
  return missing.sort();
}
