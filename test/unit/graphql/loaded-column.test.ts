import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/graphql/schema.js';

/**
 * src/graphql/loaded-column-plugin.ts: an exposed column of a select-mode Prisma object is
 * answered from the row when the row carries it, and only then. Called here on the built
 * schema's own resolvers with no request context at all: plugin-prisma's resolver needs one
 * (its selection look-up is kept per request), so an answer proves it was not asked, and a
 * throw proves a row without the column still goes to it (and would be loaded). Unit's
 * columns, as no field guard stands in front of them (a guarded column is decided first,
 * with the request's context; the authorization tests cover those). A relation is no
 * column: loaded-relation.test.ts covers what answers it.
 */
const field = (type: string, name: string) =>
  (schema.getType(type) as GraphQLObjectType).getFields()[name]!;

const info = (type: string, name: string) =>
  ({
    fieldName: name,
    parentType: schema.getType(type),
    path: { prev: undefined, key: name, typename: type },
  }) as unknown as GraphQLResolveInfo;

describe('columns answered from the row', () => {
  it.each([
    ['Unit', 'phone', '08-123 45 67'],
    ['Unit', 'name', 'Avdelning 1'],
    ['Unit', 'kind', 'WARD_SOMATIC'],
    ['Unit', 'active', false],
  ])('%s.%s is the row’s own value when the row carries it, null included', (type, name, value) => {
    const resolve = field(type, name).resolve!;
    expect(resolve({ id: 'x', [name]: value }, {}, undefined, info(type, name))).toBe(value);
    if (field(type, name).type.toString().endsWith('!')) return;
    expect(resolve({ id: 'x', [name]: null }, {}, undefined, info(type, name))).toBeNull();
  });

  it('leaves a row without the column to the prisma plugin, which loads it', () => {
    const resolve = field('Unit', 'phone').resolve!;
    expect(() => resolve({ id: 'x' }, {}, undefined, info('Unit', 'phone'))).toThrow();
  });
});
