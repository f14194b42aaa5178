import DataLoader from 'dataloader';
import { loadCaseState } from '../db/case-repository.js';
import type { CaseState } from '../domain/case/model.js';
import type { Context } from './context.js';
import { contextSlot } from './context-slot.js';

/**
 * The workflow's view of a case (src/domain/case/model.ts), loaded at most once per case
 * and request: `viewerCan` on a case and on each of its events decide on it.
 */
const loaders = contextSlot<DataLoader<string, CaseState | null>>('case state loader');

export function caseStateOf(ctx: Context, caseId: string): Promise<CaseState | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      (ids: readonly string[]) => Promise.all(ids.map((id) => loadCaseState(ctx.prisma, id))),
      // One case's state is several statements; a page of cases loads them a few at a time.
      { maxBatchSize: 10 },
    );
    loaders.set(ctx, loader);
  }
  return loader.load(caseId);
}
