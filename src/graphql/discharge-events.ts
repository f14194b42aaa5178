import DataLoader from 'dataloader';
import { visibleCaseWhere } from '../authz/case-access.js';
import { paddedForIn, preparedStatements } from '../db/statement-names.js';
import type { Context } from './context.js';

/**
 * The latest DISCHARGED event of each case a request asks `dischargeInformation` of, in
 * one statement per request. As a relation selection of the case it could not share the
 * `events` connection's query (another filter and order), so the case was loaded a
 * second time just for it.
 */
const select = {
  caseId: true,
  payload: true,
  occurredAt: true,
  authorUnit: { select: { name: true } },
} as const;

type DischargeEvent = {
  caseId: string;
  payload: unknown;
  occurredAt: Date;
  authorUnit: { name: string };
};

const loaders = new WeakMap<Context, DataLoader<string, DischargeEvent | null>>();

export function dischargeEventOf(ctx: Context, caseId: string): Promise<DischargeEvent | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    // Batched, never cached: a subscription runs every delivery with one context, and
    // each must read the case as it is then.
    loader = new DataLoader(
      async (caseIds) => {
        // Prepared: found by case ids, so its plan is the same for any.
        const events = await preparedStatements(() =>
          ctx.prisma.caseEvent.findMany({
            where: {
              caseId: { in: paddedForIn(caseIds) },
              type: 'DISCHARGED',
              case: visibleCaseWhere(ctx),
            },
            orderBy: { sequence: 'desc' },
            select,
          }),
        );
        // Newest first: the first of each case is its latest.
        const latest = new Map<string, DischargeEvent>();
        for (const event of events) if (!latest.has(event.caseId)) latest.set(event.caseId, event);
        return caseIds.map((id) => latest.get(id) ?? null);
      },
      { cache: false },
    );
    loaders.set(ctx, loader);
  }
  return loader.load(caseId);
}
