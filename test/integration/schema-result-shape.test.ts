import {
  type GraphQLField,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';

/**
 * Issue 20: one mutation-result shape across the API. Every mutation answers
 * `<Name>Result = <Name>Success | <X>Error`, non-null, where the error implements the
 * `Error` interface (message, field, params) and has its own `code` enum, so a client
 * handles a refusal of any part of the API with one fragment.
 */
function shapeOf(name: string, field: GraphQLField<unknown, unknown>): string | null {
  if (!isNonNullType(field.type)) return `${name}: the result is nullable`;
  const result = getNamedType(field.type);
  if (!isUnionType(result) || result.name !== `${upperFirst(name)}Result`)
    return `${name}: answers ${result.name}, not ${upperFirst(name)}Result`;
  const members = result.getTypes().map((t) => t.name);
  const success = `${upperFirst(name)}Success`;
  if (!members.includes(success)) return `${name}: ${result.name} has no ${success}`;
  const errors = result.getTypes().filter((t) => t.name !== success);
  if (errors.length !== 1) return `${name}: ${result.name} has ${errors.length} error types`;
  const error = errors[0]!;
  if (!error.getInterfaces().some((i) => i.name === 'Error'))
    return `${name}: ${error.name} does not implement Error`;
  const code = error.getFields().code;
  if (!code || !isNonNullType(code.type) || !isEnumType(getNamedType(code.type)))
    return `${name}: ${error.name}.code is not a non-null enum`;
  return null;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

describe('one mutation-result shape', () => {
  it('answers every mutation as <Name>Success | <an Error>', () => {
    const mutations = Object.entries(schema.getMutationType()!.getFields());
    const broken = mutations
      .map(([name, field]) => shapeOf(name, field))
      .filter((problem) => problem !== null);
    expect(broken).toEqual([]);
  });

  it('gives every error type the Error interface’s message, field and params', () => {
    const error = schema.getType('Error');
    expect(isInterfaceType(error)).toBe(true);
    if (!isInterfaceType(error)) return;
    expect(Object.keys(error.getFields()).sort()).toEqual(['field', 'message', 'params']);
    const implementations = schema.getImplementations(error).objects.map((t) => t.name);
    expect(implementations.sort()).toEqual([
      'AccessReviewError',
      'CommandError',
      'IdentityError',
      'InvoicingError',
      'NotificationError',
      'RetentionError',
    ]);
    for (const name of implementations) {
      const type = schema.getType(name);
      expect(isObjectType(type) && 'code' in type.getFields()).toBe(true);
    }
  });
});
