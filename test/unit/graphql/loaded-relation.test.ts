import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  Kind,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/graphql/schema.js';

/**
 * src/graphql/loaded-relation-plugin.ts: a to-one relation is answered with the related
 * object the row carries when that object has every column the field's selection reads,
 * and only then. As in loaded-column.test.ts, the built schema's own resolvers are called
 * with no request context: plugin-prisma's resolver needs one (its selection look-up is
 * kept per request), so an answer proves it was not asked, and its throw (reading its
 * per-request cache off the missing context) proves the field went to it (and would be
 * loaded). The relations here have no field guard in front
 * (a guarded one is decided first, with the request's context; the authorization tests
 * cover those).
 */
const field = (type: string, name: string) =>
  (schema.getType(type) as GraphQLObjectType).getFields()[name]!;

/**
 * The resolve info of `type.name` as the one field of `selection` asks for it: its nodes
 * (every top-level field of the selection named `name`), the document's fragments.
 */
function infoFor(type: string, name: string, selection: string): GraphQLResolveInfo {
  const document = parse(selection);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const fieldNodes = operation.selectionSet.selections.filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === name,
  );
  return {
    fieldName: name,
    fieldNodes,
    fragments,
    returnType: field(type, name).type,
    parentType: schema.getType(type),
    path: { prev: undefined, key: name, typename: type },
  } as unknown as GraphQLResolveInfo;
}

/** plugin-prisma's resolver, asked without a request context: it reads its per-request cache. */
const TO_PLUGIN_PRISMA = /Pothos\.contextCache/;

const resolveOn = (type: string, name: string, row: object, selection: string) =>
  field(type, name).resolve!(row, {}, undefined, infoFor(type, name, selection));

const unit = { id: 'u1', hsaId: 'SE2321000016-15CQ', name: 'Avdelning 1' };

describe('a to-one relation answered from the row', () => {
  it('is the related object itself when it carries every column read of it', () => {
    const row = { role: 'WARD', unit };
    expect(resolveOn('CaseParty', 'unit', row, '{ unit { hsaId name } }')).toBe(unit);
    // The node id reads the row's key, which a select-mode unit always carries.
    expect(resolveOn('CaseParty', 'unit', row, '{ unit { id __typename } }')).toBe(unit);
  });

  it('answers null when the row carries the relation as null', () => {
    const organization = { id: 'o1', hsaId: 'SE1', name: 'Stockholms stad', parent: null };
    expect(resolveOn('Organization', 'parent', organization, '{ parent { name } }')).toBeNull();
  });

  it('leaves a related object without a column read of it to plugin-prisma', () => {
    const row = { role: 'WARD', unit };
    expect(() => resolveOn('CaseParty', 'unit', row, '{ unit { hsaId phone } }')).toThrow(
      TO_PLUGIN_PRISMA,
    );
    // Without its key, which the node id and the type's own selection need.
    const keyless = { role: 'WARD', unit: { hsaId: unit.hsaId } };
    expect(() => resolveOn('CaseParty', 'unit', keyless, '{ unit { hsaId } }')).toThrow(
      TO_PLUGIN_PRISMA,
    );
  });

  it('counts the columns a fragment or a second node of the field reads', () => {
    const row = { role: 'WARD', unit };
    const viaFragment = '{ unit { name ...Contact } } fragment Contact on Unit { phone }';
    expect(() => resolveOn('CaseParty', 'unit', row, viaFragment)).toThrow(TO_PLUGIN_PRISMA);
    const withPhone = { role: 'WARD', unit: { ...unit, phone: null } };
    expect(resolveOn('CaseParty', 'unit', withPhone, viaFragment)).toBe(withPhone.unit);
    const twoNodes = '{ unit { name } unit { phone } }';
    expect(() => resolveOn('CaseParty', 'unit', row, twoNodes)).toThrow(TO_PLUGIN_PRISMA);
    expect(resolveOn('CaseParty', 'unit', withPhone, twoNodes)).toBe(withPhone.unit);
  });

  it('leaves a selection with a relation below to plugin-prisma, which maps the fields below', () => {
    const row = {
      role: 'WARD',
      unit: { ...unit, organization: { id: 'o1', hsaId: 'SE1', name: 'Region' } },
    };
    expect(() =>
      resolveOn('CaseParty', 'unit', row, '{ unit { name organization { name } } }'),
    ).toThrow(TO_PLUGIN_PRISMA);
  });

  it('leaves a row without the relation to plugin-prisma, which loads it', () => {
    expect(() => resolveOn('CaseParty', 'unit', { role: 'WARD' }, '{ unit { name } }')).toThrow(
      TO_PLUGIN_PRISMA,
    );
  });
});
