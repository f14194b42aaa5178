import { buildSchema, execute, graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphqlExecutorPatched } from '../../../src/graphql/patched-executor.js';

/**
 * graphql-js's executor as patched (patches/graphql+16.15.0.patch): ordinary objects for
 * responses and arguments, answering exactly what upstream answers, "__proto__" included.
 */
const schema = buildSchema(`
  type Query { item: Item  items: [Item]  later: Item  echo(text: String, times: Int = 2): String  args: String }
  type Item { name: String  next: Item }
`);
let seenArgs: unknown;
const item = (name: string) => ({ name, next: { name: `${name}+`, next: null } });
const rootValue = {
  item: () => item('a'),
  items: () => [item('b'), item('c')],
  later: () => Promise.resolve(item('d')),
  echo: ({ text, times }: { text: string; times: number }) => text.repeat(times),
  args: (args: unknown) => {
    seenArgs = args;
    return 'seen';
  },
};
const run = (source: string) => graphql({ schema, source, rootValue });

describe('the patched graphql-js executor', () => {
  it('is the graphql-js installed', () => {
    expect(graphqlExecutorPatched()).toBe(true);
  });

  it('answers with ordinary objects, in the order asked', async () => {
    const { data } = await run('{ later { name } item { next { name } name } }');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((data as { later: object }).later)).toBe(Object.prototype);
    expect(JSON.stringify(data)).toBe(
      '{"later":{"name":"d"},"item":{"next":{"name":"a+"},"name":"a"}}',
    );
  });

  it('answers the response name "__proto__" as its own field, at every depth and after a promise', async () => {
    const result = await run(`{
      __proto__: item { __proto__: name next { __proto__: name } }
      items { __proto__: next { name } }
      later { __proto__: name }
      name: __typename
    }`);
    expect(result.errors).toBeUndefined();
    const data = result.data as Record<string, unknown>;
    // Own properties, as JSON.parse makes them; the prototype untouched.
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(JSON.stringify(data)).toBe(
      '{"__proto__":{"__proto__":"a","next":{"__proto__":"a+"}},' +
        '"items":[{"__proto__":{"name":"b+"}},{"__proto__":{"name":"c+"}}],' +
        '"later":{"__proto__":"d"},"name":"Query"}',
    );
  });

  it('passes a field without arguments an empty ordinary object, and one with them their values', async () => {
    expect((await run('{ args }')).data).toEqual({ args: 'seen' });
    expect(seenArgs).toEqual({});
    expect(Object.getPrototypeOf(seenArgs)).toBe(Object.prototype);
    expect((await run('{ echo(text: "ab") }')).data).toEqual({ echo: 'abab' });
    const withVariable = await graphql({
      schema,
      source: 'query ($t: String) { echo(text: $t, times: 3) }',
      rootValue,
      variableValues: { t: 'x' },
    });
    expect(withVariable.data).toEqual({ echo: 'xxx' });
  });

  it('still refuses a missing required argument and reports errors with their paths', async () => {
    const failing = buildSchema('type Query { must(n: Int!): Int  list: [Int!]! }');
    // Executed without validation, so that the executor's own argument check answers.
    const missing = await execute({ schema: failing, document: parse('{ must }') });
    expect(missing.data).toEqual({ must: null });
    expect(missing.errors?.[0]?.message).toBe(
      'Argument "n" of required type "Int!" was not provided.',
    );
    expect(missing.errors?.[0]?.path).toEqual(['must']);
    const nulls = await graphql({
      schema: failing,
      source: '{ list }',
      rootValue: { list: () => [1, null] },
    });
    expect(nulls.data).toBeNull();
    expect(nulls.errors?.[0]?.path).toEqual(['list', 1]);
  });
});
