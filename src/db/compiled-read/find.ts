import type pg from 'pg';
import { compiledReadFallbacks } from '../../metrics/registry.js';
import { Prisma } from '../generated/prisma/client.js';
import { readModel } from '../generated/read-model.js';
import type { StatementNames } from '../statement-names.js';
import { findCompiler } from './compile.js';

/** A model's name as Prisma Client spells it ('Case', 'CaseEvent'). */
export type ModelName = Prisma.ModelName;

/** Prisma's `findMany` and `findFirst`, answered by one compiled statement (compile.ts). */
export interface CompiledFind {
  /**
   * What `prisma.<model>.findMany(args)` answers, read through the pool; `prisma` runs
   * that same Prisma read when the arguments ask what the compiler does not do.
   * `prepared` names the statement, for a read whose plan does not depend on its values
   * (src/db/statement-names.ts).
   */
  findMany<T>(
    model: ModelName,
    args: object,
    prisma: () => PromiseLike<T[]>,
    options?: { prepared?: boolean },
  ): Promise<T[]>;
  /** What `prisma.<model>.findFirst(args)` answers, as `findMany` does. */
  findFirst<T>(
    model: ModelName,
    args: object,
    prisma: () => PromiseLike<T | null>,
    options?: { prepared?: boolean },
  ): Promise<T | null>;
}

export function compiledFind(pool: Pick<pg.Pool, 'query'>, names: StatementNames): CompiledFind {
  const compile = findCompiler(readModel, Prisma.Decimal);
  async function rows(
    model: ModelName,
    args: object,
    first: boolean,
    prepared: boolean | undefined,
  ): Promise<unknown[] | null> {
    const read = compile(model, args as Record<string, unknown>, first);
    if (!read) {
      compiledReadFallbacks.inc({ model });
      return null;
    }
    const name = prepared ? names.nameOf(read.text) : '';
    const result = await pool.query<{ r: Record<string, unknown> }>({
      text: read.text,
      values: read.values,
      ...(name ? { name } : {}),
    });
    const answer = result.rows.map((row) => read.decode(row.r));
    return read.backwards ? answer.reverse() : answer;
  }
  return {
    async findMany<T>(
      model: ModelName,
      args: object,
      prisma: () => PromiseLike<T[]>,
      options?: { prepared?: boolean },
    ) {
      return ((await rows(model, args, false, options?.prepared)) as T[] | null) ?? prisma();
    },
    async findFirst<T>(
      model: ModelName,
      args: object,
      prisma: () => PromiseLike<T | null>,
      options?: { prepared?: boolean },
    ) {
      const found = await rows(model, args, true, options?.prepared);
      return found ? ((found[0] as T | undefined) ?? null) : prisma();
    },
  };
}
