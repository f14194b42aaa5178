import type pg from 'pg';
import { type CompiledFind, compiledFind } from './compiled-read/find.js';
import type { Prisma } from './generated/prisma/client.js';
import type { StatementNames } from './statement-names.js';

/**
 * Raw SQL reads sent through the pool itself, for the reads that return many rows of plain
 * columns: the log review's (src/audit/review.ts).
 *
 * Prisma's `$queryRaw` sends the same statement on the same connections, but turns every
 * value of every row into its own typed form and back: for a page of 100 log rows (25
 * columns) that cost 1.8 ms of CPU a call, against 0.65 ms for pg's own row parsing
 * (the bench's data; docs/performance.md, issue 17). The rows come out the same: text as
 * strings, integers as numbers, timestamps as Dates, arrays as arrays. The statement text
 * is still built with Prisma's `sql` template, so its values are never spliced into it.
 * And the hot reads Pothos plans as Prisma queries (a case, a page of cases), compiled into
 * one statement of our own (src/db/compiled-read/).
 */
export interface RawReads extends CompiledFind {
  /**
   * The rows of `query`. `prepared` names the statement (parsed once per connection, then
   * one generic plan when PostgreSQL finds it no costlier): only for a statement whose plan
   * does not depend on its values (src/db/statement-names.ts).
   */
  rows<T>(query: Prisma.Sql, options?: { prepared?: boolean }): Promise<T[]>;
}

export function rawReads(pool: Pick<pg.Pool, 'query'>, names: StatementNames): RawReads {
  return {
    ...compiledFind(pool, names),
    async rows<T>(query: Prisma.Sql, options?: { prepared?: boolean }) {
      const name = options?.prepared ? names.nameOf(query.text) : '';
      const result = await pool.query({
        text: query.text,
        values: query.values,
        ...(name ? { name } : {}),
      });
      return result.rows as T[];
    },
  };
}
