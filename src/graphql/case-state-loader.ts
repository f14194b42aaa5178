import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { loadCaseState } from '../db/case-repository.js';
import type { CaseState } from '../domain/case/model.js';
import type { Context } from './context.js';

/**
 * The workflow's view of a case (src/domain/case/model.ts), loaded at most once per case
 * and request: `viewerCan` on a case and on each of its events decide on it. The loader is
 * in Pothos' per-request cache, which patches/ keeps on the context (patches/README.md).
 */
const loaderOf = createContextCache(
  (ctx: Context) =>
    new DataLoader<string, CaseState | null>(
      (ids) => Promise.all(ids.map((id) => loadCaseState(ctx.prisma, id))),
      // One case's state is several statements; a page of cases loads them a few at a time.
      { maxBatchSize: 10 },
    ),
);

export function caseStateOf(ctx: Context, caseId: string): Promise<CaseState | null> {
  return loaderOf(ctx).load(caseId);
}
