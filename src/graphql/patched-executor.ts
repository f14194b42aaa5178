import { buildSchema, executeSync, parse } from 'graphql';

/**
 * graphql-js as installed is patched (patches/graphql+16.15.0.patch, applied by
 * patch-package when npm installs): its executor builds each response object, and each
 * field's arguments, as an ordinary object where upstream makes a prototype-less
 * dictionary. V8 keeps those dictionaries in a slower, larger form; a 50-case list
 * resolves about 5 000 fields, each with such an arguments object and a share of a
 * response object, so upstream's took a quarter of what a request allocated and about a
 * tenth of its CPU (docs/bench/notes.md, issue 17). The response name "__proto__", which
 * an ordinary object would take for its prototype, is defined as an own property instead.
 *
 * An install that skipped the patch (`--ignore-scripts`) answers the same, only slower:
 * the start says so.
 */
export function graphqlExecutorPatched(): boolean {
  const schema = buildSchema('type Query { answer: String }');
  const result = executeSync({ schema, document: parse('{ answer }'), rootValue: { answer: '' } });
  return result.data != null && Object.getPrototypeOf(result.data) === Object.prototype;
}
