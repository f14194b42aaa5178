import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { PrismaPg } from '@prisma/adapter-pg';

type StatementNameGenerator = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaPg>[1]>['statementNameGenerator']
>;

/**
 * Prepared statements for the few Prisma queries whose plan does not depend on their
 * values, so that PostgreSQL plans them once per connection instead of on every request.
 *
 * Prisma's driver adapter sends every statement unnamed, so the server parses and plans
 * it each time: about a millisecond for the case in full detail with its row rule (11 kB
 * of SQL, a dozen lateral joins), more for a page of the nested list. A named statement
 * is parsed once per connection (pg sends Parse once per connection and name, then only
 * Bind and Execute), and after five executions PostgreSQL keeps one generic plan when it
 * is no costlier than planning for the values (plan_cache_mode `auto`).
 *
 * That choice is why naming is opt-in. For a statement that picks its rows by a filter
 * and a limit (a unit's first cases by reference), the generic plan is chosen from the
 * first values a connection sees and then used for all: planned for a unit with
 * thousands of cases, it walks the whole case table for a unit with thirty (0.7 s
 * against 2 ms on the bench's data). Only Prisma queries run inside `preparedStatements`
 * are named, and the pool's raw reads asked `prepared` (src/db/raw-reads.ts): ones that
 * find their rows by key (a case by id, the emergency grants of a person), where every
 * plan is the same plan, and the log review's search and volume count
 * (src/audit/review.ts): which filters are given picks the index (patient, user,
 * personnummer or the organisation, each with the time, on every month partition) and the
 * page is read backwards along it; the values change which months are pruned when the
 * plan runs, not the plan (a separate text for each combination of filters). And a page of
 * the case list, found by its candidates' ids (src/graphql/visible-case-page.ts), with its
 * row rules narrowed to those ids: with the plain rules its generic plan hashed all of the
 * acting unit's current parties (or an organisation-wide role's organisation's) on every
 * run, which cost the bench's biggest unit about what planning saved and a larger unit
 * more; narrowed, its plan fetches only the candidates' parties and grants.
 *
 * The name is a hash of the text, so one text has one name on every connection and a
 * name never stands for two texts (pg refuses that, and would otherwise run the first
 * text). `limit` bounds the number of distinct texts a process names, so that a
 * connection's prepared statements cannot grow without end; past it, statements run
 * unnamed (the empty name is the protocol's unnamed statement), as all others do. What a
 * connection keeps for a text is not small for the nested reads: for a 50-case page of the
 * list, its source, query and generic plan took 0.65 MB of the backend's memory
 * (pg_backend_memory_contexts), so the limit is also what bounds that memory per
 * connection. Every selection shape, padded page size and filter combination is a text.
 */
const scope = new AsyncLocalStorage<true>();

/** Runs `read` with its Prisma statements named (prepared once per connection). */
export function preparedStatements<T>(read: () => PromiseLike<T>): Promise<T> {
  // A Prisma query starts when it is awaited (its `then`), so that happens in the scope.
  return scope.run(true, () => new Promise<T>((resolve, reject) => read().then(resolve, reject)));
}

/**
 * Prisma's statement namer, which also names the texts the log review runs through the
 * pool itself (src/db/raw-reads.ts): one map, so `limit` bounds both paths together.
 */
export interface StatementNames extends StatementNameGenerator {
  /** The name of a text run prepared, or '' (unnamed) past the limit. */
  nameOf(text: string): string;
}

export function statementNames(limit: number): StatementNames {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= limit) return '';
      name = `p${createHash('sha1').update(text).digest('base64url')}`;
      names.set(text, name);
    }
    return name;
  };
  const generator: StatementNameGenerator = (query) =>
    scope.getStore() === true ? nameOf(query.sql) : '';
  return Object.assign(generator, { nameOf });
}

/**
 * `values` padded to the next power of two by repeating its last value, for an `in` filter
 * of a prepared read: Prisma writes one placeholder per value, so every length is a text
 * (and a statement) of its own; padded, 1 to 100 values take eight. Repeating a value
 * changes nothing an `in` selects.
 */
export function paddedForIn<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  let length = 1;
  while (length < values.length) length *= 2;
  const padded = [...values];
  while (padded.length < length) padded.push(values[values.length - 1]!);
  return padded;
}
