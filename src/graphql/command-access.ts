import type { GraphQLResolveInfo } from 'graphql';
import { CommandAccessLog } from '../audit/command-log.js';
import type { Queryable } from '../audit/writer.js';
import { createCaseFactsLoader } from '../authz/case-facts.js';
import type { LoggedCategory } from '../authz/decide.js';
import type { Tx } from '../db/case-repository.js';
import { answerReads } from './answer-reads.js';
import type { Context } from './context.js';
import { adoptCaseFacts } from './field-guard.js';

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

/** What a command's answer will read of its case, and how the answer comes to agree. */
export interface CommandAnswerReads {
  /** The categories the answer will read, to be named on the command's row beside what it wrote. */
  categories: LoggedCategory[];
  /** Once the transaction committed: the answer is decided on the case as the command left it. */
  adopt(): void;
}

/**
 * What the answer of a command on a case will read (answer-reads.ts), decided on the
 * case's facts as the command's transaction sees them: its own change (a consent, a
 * transfer) included. `shown` false: the answer does not show the case, so reads nothing.
 */
export async function caseCommandAnswerReads(
  ctx: Context,
  info: GraphQLResolveInfo,
  tx: Tx,
  caseId: string,
  shown = true,
): Promise<CommandAnswerReads> {
  const db = queryableOf(tx);
  const facts = await createCaseFactsLoader(db).load(caseId);
  if (!facts) throw new Error('the command’s case is not in its own transaction');
  const categories = shown
    ? await answerReads(
        ctx,
        info,
        { patientId: facts.patientId, facts, protectedIdentity: facts.protectedIdentity },
        db,
      )
    : [];
  return { categories, adopt: () => adoptCaseFacts(ctx, facts) };
}

/**
 * What the answer of a command on a patient outside any case (a block) will read of the
 * patient's own fields (answer-reads.ts); its reads of the patient's cases are logged as
 * reads of those cases.
 */
export function patientCommandAnswerReads(
  ctx: Context,
  info: GraphQLResolveInfo,
  tx: Tx,
  patient: { id: string; protectedIdentity: boolean },
): Promise<LoggedCategory[]> {
  return answerReads(
    ctx,
    info,
    { patientId: patient.id, facts: null, protectedIdentity: patient.protectedIdentity },
    queryableOf(tx),
  );
}
