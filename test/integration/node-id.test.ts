import { encodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/graphql/context.js';
import { schema } from '../../src/graphql/schema.js';

/**
 * Every node's `id` is answered as a plain string, not a promise (src/graphql/
 * sync-node-id-plugin.ts): graphql-js awaits a whole object when one of its fields is a
 * promise, and a page of nodes paid that for every row. The value is the Relay global id.
 */
describe('node ids', () => {
  const nodes = Object.values(schema.getTypeMap()).filter(
    (type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'),
  );

  it('covers the node types', () => {
    expect(nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['Case', 'CaseEvent', 'Unit']));
  });

  it('answers each id synchronously with the global id of its type and key', () => {
    const key = '9b0e3b7e-4c4f-4a51-9d39-0f6d1c2a7e11';
    for (const type of nodes) {
      if (!isObjectType(type)) continue;
      const resolve = type.getFields().id!.resolve!;
      const answer = resolve(
        { id: key },
        {},
        { principal: null } as unknown as Context,
        {
          parentType: type,
        } as never,
      );
      expect({ type: type.name, answer }).toEqual({
        type: type.name,
        answer: encodeGlobalID(type.name, key),
      });
    }
  });
});
