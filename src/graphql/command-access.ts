import type { GraphQLResolveInfo } from 'graphql';
import { CommandAccessLog } from '../audit/command-log.js';
import type { Queryable } from '../audit/writer.js';
import type { Tx } from '../db/case-repository.js';
import type { Context } from './context.js';

/** The access log of the command this resolver runs, bound to the request (src/audit/command-log.ts). */
export function commandAccessLog(ctx: Context, info: GraphQLResolveInfo): CommandAccessLog {
  return new CommandAccessLog(
    ctx.access,
    {
      requestId: ctx.requestId,
      operationName: info.operation.name?.value ?? null,
      principal: ctx.principal,
    },
    ctx.now,
    ctx.accessLogLockWaitMs,
  );
}

/** A Prisma transaction as the access-log writer's connection: its statements join the transaction. */
export function queryableOf(tx: Tx): Queryable {
  return {
    async query<R extends object>(text: string, values: unknown[] = []) {
      return { rows: await tx.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}
