import {
  type CaseSearchWay,
  type ReferenceSearch,
  type Viewer,
  visibleCaseSearchWays,
  visibleCaseWhereAmong,
} from '../authz/case-access.js';
import type { PrismaClient } from '../db/client.js';
import type { Prisma } from '../db/generated/prisma/client.js';
import type { RawReads } from '../db/raw-reads.js';
import { paddedForIn } from '../db/statement-names.js';

/** What a Relay connection over cases hands to Prisma besides its selection. */
export interface CasePageWindow {
  cursor?: Prisma.CaseWhereUniqueInput;
  skip?: number;
  take?: number;
}

/**
 * The where of one page of visible cases, at a cost that does not grow with the number of
 * cases in the database.
 *
 * The row rules are an OR of semi-joins (a current party of the acting unit or, for an
 * organisation-wide role, of its organisation; an emergency grant). PostgreSQL cannot
 * drive an OR of EXISTS from either index: it walks every case in page order and tests
 * each, so one page of a unit's list read the whole table (about 0.9 s of SQL at 200,000
 * cases; now under a millisecond per way). Asked one way at a time, each semi-join is
 * planned from its own index. So the page is found in two steps:
 *
 * 1. For each way in, the ids of its first `skip + |take|` cases in the page's order, from
 *    the page's cursor, with the caller's filters: at most that many rows each. The cases
 *    the caller's emergency grants open are named whole, all of them (visibleCaseSearchWays);
 *    the acting unit's way, for the list as it opens (reference order, no filters), is read
 *    by the pool itself rather than through Prisma (`byReference`).
 * 2. The page itself: the caller's query (cursor, skip, take, order, selection) unchanged,
 *    with the full row rules and filters, over those candidates only.
 *
 * Any case of the page is among the first `skip + |take|` of a way it is visible through,
 * or among the granted, so step 2 returns exactly the page the one query over the whole
 * table would, and it applies the row rules and filters itself: the candidates narrow the
 * search, they never widen it. A caller who sees no cases has no candidates.
 *
 * Step 2 names its cases, so its row rules are narrowed to them (visibleCaseWhereAmong)
 * and a plan kept for every viewer is as good as one made for this one: it is `prepared`,
 * parsed once per connection and planned once instead of on every request (planning the
 * nested list's statement took 1.5 ms of the 6.3 its custom plan cost; its generic plan
 * then ran in 4.3 ms). The candidate ids are padded to a power of two (paddedForIn), so
 * pages of every size share a few texts.
 */
export async function visibleCasePageWhere(
  prisma: PrismaClient,
  reads: RawReads,
  viewer: Viewer,
  window: CasePageWindow,
  filters: Prisma.CaseWhereInput[],
  orderBy: Prisma.CaseOrderByWithRelationInput | Prisma.CaseOrderByWithRelationInput[],
): Promise<Prisma.CaseWhereInput> {
  const ways = await visibleCaseSearchWays(viewer, prisma, reads);
  const take = window.take ?? 0;
  const reach = Math.abs(take) + (window.skip ?? 0);
  // The list as it opens (reference order, no filters): a way that can, searches raw.
  const byReference = filters.length === 0 ? referenceSearch(orderBy, window, reach) : null;
  const search = async (way: CaseSearchWay) => {
    if (way.byReference && byReference) return way.byReference(byReference);
    const found = await prisma.case.findMany({
      where: { AND: [way.where, ...filters] },
      orderBy,
      ...(window.cursor ? { cursor: window.cursor } : {}),
      take: take < 0 ? -reach : reach,
      select: { id: true },
    });
    return found.map((c) => c.id);
  };
  const candidates = await Promise.all(
    ways.map(async (way) => (await way.named?.()) ?? search(way)),
  );
  const ids = paddedForIn([...new Set(candidates.flat())]);
  return { AND: [{ id: { in: ids } }, visibleCaseWhereAmong(viewer, ids), ...filters] };
}

/**
 * The search of a page in reference order alone, its cursor (if any) a reference: the
 * default order of the case list, which a way's raw search reads. Null for any other.
 */
function referenceSearch(
  orderBy: Prisma.CaseOrderByWithRelationInput | Prisma.CaseOrderByWithRelationInput[],
  window: CasePageWindow,
  reach: number,
): ReferenceSearch | null {
  const [only, ...more] = Array.isArray(orderBy) ? orderBy : [orderBy];
  if (!only || more.length > 0 || Object.keys(only).length !== 1) return null;
  if (only.reference !== 'asc' && only.reference !== 'desc') return null;
  const cursor = window.cursor;
  if (cursor && (Object.keys(cursor).length !== 1 || !cursor.reference)) return null;
  // Backwards (a negative take) reads the other way from the cursor.
  const backwards = (window.take ?? 0) < 0;
  return {
    descending: (only.reference === 'desc') !== backwards,
    reach,
    ...(cursor?.reference ? { from: cursor.reference } : {}),
  };
}
