import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { visibleCaseWhere, visibleNoteWhere } from '../authz/case-access.js';
import type { Context } from './context.js';

/**
 * Rows that typed event details refer to by id (units, events, care plans, notes), loaded
 * once per request and id, a list of events in one statement per kind. Each kind reads
 * only what the caller may see: events and care plans of visible cases, notes the caller
 * may read (a locked note of another organisation reads as absent).
 */
const rowKinds = {
  unit: (ctx: Context, ids: string[]) => ctx.prisma.unit.findMany({ where: { id: { in: ids } } }),
  caseEvent: (ctx: Context, ids: string[]) =>
    ctx.prisma.caseEvent.findMany({ where: { id: { in: ids }, case: visibleCaseWhere(ctx) } }),
  carePlan: (ctx: Context, ids: string[]) =>
    ctx.prisma.carePlan.findMany({ where: { id: { in: ids }, case: visibleCaseWhere(ctx) } }),
  note: (ctx: Context, ids: string[]) =>
    ctx.prisma.note.findMany({
      where: { id: { in: ids }, case: visibleCaseWhere(ctx), AND: [visibleNoteWhere(ctx)] },
    }),
};
type Kind = keyof typeof rowKinds;
type RowOf<K extends Kind> = Awaited<ReturnType<(typeof rowKinds)[K]>>[number];

/** The request's loaders by kind, in Pothos' per-request cache (patches/README.md). */
const loadersOf = createContextCache(
  (_ctx: Context): Map<Kind, DataLoader<string, unknown>> => new Map(),
);

/** The row of this kind and id the caller may see, or null. */
export function rowOf<K extends Kind>(ctx: Context, kind: K, id: string): Promise<RowOf<K> | null> {
  const byKind = loadersOf(ctx);
  let loader = byKind.get(kind);
  if (!loader) {
    loader = new DataLoader<string, unknown>(async (ids) => {
      const rows: { id: string }[] = await rowKinds[kind](ctx, [...ids]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    byKind.set(kind, loader);
  }
  return loader.load(id) as Promise<RowOf<K> | null>;
}
