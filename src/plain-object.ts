/**
 * An object written as a literal (or made with `Object.create(null)`), not an array, a
 * Date, a Decimal or another class's instance: what can be walked key by key as data.
 * The compiled reads take only such objects for levels of Prisma's arguments
 * (src/db/compiled-read/compile.ts), and the recorded reads of a kept query plan only
 * such objects for levels of the context (src/graphql/recorded-reads.ts).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
