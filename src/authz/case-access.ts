import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import type { RawReads } from '../db/raw-reads.js';
import type { Actor } from '../domain/case/model.js';
import { isOrganisationWide } from './policy.js';
import type { Principal } from './principal.js';
import { maySee } from './visibility.js';

/**
 * The row rules (PDL: access follows need). A person whose roles run cases (read
 * ADMINISTRATIVE: src/authz/visibility.ts) sees a case while the unit they act for is a
 * party to it; an organisation-wide role (finance) sees the cases any unit of its
 * organisation takes part in; and an emergency grant (nödöppning) opens one case to one
 * person in one unit until it expires. Every query that reaches cases — directly, through
 * a relation or through Relay's node(id) — combines its own filter with these.
 */
export interface Viewer {
  actor: Actor | null;
  principal: Principal | null;
  now(): Date;
}

const NOTHING = { id: { in: [] } };

/**
 * One way in: its row rule as a Prisma where, and what kind of way it is, for a search
 * that reads a way by other means (the acting unit's parties, the grants named).
 */
interface Way {
  where: Prisma.CaseWhereInput;
  /** A current party of this unit, the acting unit: the way every case-running role has. */
  partyOf?: string;
  /** The person's unexpired emergency grants at the acting unit. */
  grants?: true;
}

/**
 * The row rules as separate ways in, any of which makes a case visible: a current party
 * of the acting unit; for an organisation-wide role, a current party of any unit of the
 * actor's organisation; an unexpired emergency grant. Each is one semi-join that
 * PostgreSQL can drive from its own index; a query that pages through many cases asks
 * them one at a time (src/graphql/visible-case-page.ts), because an OR of them makes
 * PostgreSQL test every case of the table in page order.
 *
 * `among`, for a query that already names its cases (`id in among`), narrows each way's
 * semi-join to those cases too: the same cases pass (see visibleCaseWhereAmong).
 */
function visibleCaseWays(
  viewer: Viewer,
  { organisationUnitIds, among }: { organisationUnitIds?: string[]; among?: string[] } = {},
): Way[] {
  const { actor, principal } = viewer;
  // Only roles that run cases see them at all (src/authz/visibility.ts), through every way.
  if (!actor || !principal || !maySee(principal, 'case')) return [{ where: NOTHING }];
  const named = among ? { caseId: { in: among } } : {};
  const ways: Way[] = [
    {
      where: { parties: { some: { unitId: actor.unitId, leftAt: null, ...named } } },
      partyOf: actor.unitId,
    },
  ];
  if (isOrganisationWide(principal.roles)) {
    const unit: Prisma.CasePartyWhereInput = organisationUnitIds
      ? { unitId: { in: organisationUnitIds } }
      : { unit: { organizationId: actor.organizationId } };
    ways.push({ where: { parties: { some: { leftAt: null, ...unit, ...named } } } });
  }
  ways.push({
    where: {
      emergencyAccesses: { some: { ...unexpiredGrants(viewer, actor, principal), ...named } },
    },
    grants: true,
  });
  return ways;
}

/** The person's emergency grants at the unit they act for that have not expired. */
function unexpiredGrants(
  viewer: Viewer,
  actor: Actor,
  principal: Principal,
): Prisma.EmergencyAccessWhereInput {
  return { userHsaId: principal.hsaId, unitId: actor.unitId, expiresAt: { gt: viewer.now() } };
}

/** The most emergency grants a case search names as cases; past it they are searched. */
const NAMED_GRANTS = 64;

/** One way in to search for the first visible cases of a page (src/graphql/visible-case-page.ts). */
export interface CaseSearchWay {
  /** The way's row rule, to search cases through in the page's order. */
  where: Prisma.CaseWhereInput;
  /**
   * The way searched in reference order by a raw read (the acting unit's way), for a
   * page of the list as it opens: in that order, without filters.
   */
  byReference?: (page: ReferenceSearch) => Promise<string[]>;
  /** The cases the way opens, named, instead of a search; null when there are too many. */
  named?: () => Promise<string[] | null>;
}

/** The first `reach` cases in reference order, from the reference `from` on (inclusive). */
export interface ReferenceSearch {
  descending: boolean;
  reach: number;
  from?: string;
}

/**
 * The acting unit's way searched by the pool itself: what Prisma sends for
 * `{ parties: { some: { unitId, leftAt: null } } }` in reference order, without its fixed
 * cost per call (bench:ab, six pairs: 1.0 to 2.2 % less node CPU for a 50-case page). The
 * caller filters what it finds by the Prisma rule again (visibleCaseWhereAmong), so this
 * can only narrow a page; the paging test of every way in compares the pages with one
 * query over all cases (test/integration/queries.int.test.ts). Not prepared: its plan
 * depends on the unit's size (a generic plan made for a large unit walks every case for
 * a small one, src/db/statement-names.ts).
 */
function searchPartyOf(reads: RawReads, unitId: string) {
  return async ({ descending, reach, from }: ReferenceSearch): Promise<string[]> => {
    const after =
      from === undefined
        ? Prisma.empty
        : descending
          ? Prisma.sql`AND c.reference <= ${from}`
          : Prisma.sql`AND c.reference >= ${from}`;
    const rows = await reads.rows<{ id: string }>(
      Prisma.sql`SELECT c.id FROM "case" c
                 WHERE EXISTS (SELECT 1 FROM case_party p
                               WHERE p.case_id = c.id AND p.unit_id = ${unitId}::uuid
                                 AND p.left_at IS NULL)
                   ${after}
                 ORDER BY c.reference ${Prisma.raw(descending ? 'DESC' : 'ASC')}
                 LIMIT ${reach}`,
    );
    return rows.map((r) => r.id);
  };
}

/**
 * The row rules as ways in for finding candidates, whose result is filtered by the rules
 * again (visibleCaseWhereAmong). A viewer who sees no cases has none.
 *
 * An organisation-wide way names the organisation's units, so PostgreSQL estimates it
 * from case_party's statistics per unit (through the join to unit it takes every
 * organisation for an average one and walks all cases when the organisation has few).
 *
 * The emergency grants name the cases they open: a person holds a few at most, read by
 * the index on (user, unit, expiry) with the same plan for anyone, so the read is
 * prepared (src/db/statement-names.ts), where searching cases through the grants in page
 * order is a statement planned on every request. With more than NAMED_GRANTS the grants
 * are searched as the other ways are.
 */
export async function visibleCaseSearchWays(
  viewer: Viewer,
  prisma: PrismaClient,
  reads: RawReads,
): Promise<CaseSearchWay[]> {
  const { actor, principal } = viewer;
  if (!actor || !principal || !maySee(principal, 'case')) return [];
  const units = isOrganisationWide(principal.roles)
    ? await prisma.unit.findMany({
        where: { organizationId: actor.organizationId },
        select: { id: true },
      })
    : undefined;
  const ways = visibleCaseWays(viewer, {
    ...(units ? { organisationUnitIds: units.map((u) => u.id) } : {}),
  });
  const granted = async () => {
    // A raw read, prepared: one column of a few rows, where Prisma's fixed cost per call
    // was most of what the read cost the API (3.6 % of a 50-case page's CPU). The
    // condition is unexpiredGrants'; the paging test of every way in compares the named
    // grants with one query over all cases under it (test/integration/queries.int.test.ts).
    const grants = await reads.rows<{ caseId: string }>(
      Prisma.sql`SELECT case_id AS "caseId" FROM emergency_access
                 WHERE user_hsa_id = ${principal.hsaId} AND unit_id = ${actor.unitId}::uuid
                   AND expires_at > ${viewer.now()}
                 LIMIT ${NAMED_GRANTS + 1}`,
      { prepared: true },
    );
    return grants.length > NAMED_GRANTS ? null : grants.map((g) => g.caseId);
  };
  return ways.map(({ where, partyOf, grants }) =>
    grants
      ? { where, named: granted }
      : partyOf
        ? { where, byReference: searchPartyOf(reads, partyOf) }
        : { where },
  );
}

export function visibleCaseWhere(viewer: Viewer): Prisma.CaseWhereInput {
  return anyOf(visibleCaseWays(viewer).map((way) => way.where));
}

/**
 * visibleCaseWhere for a query over the cases `caseIds` names, which it must also filter
 * by `id in caseIds`: the same cases pass. For a plan PostgreSQL keeps for every viewer
 * (a prepared statement's generic plan, made without knowing the unit): with the plain
 * rule, that plan fetched and hashed every current party of the acting unit on each run
 * (0.8 ms for the bench's largest unit, 2 214 parties, and more for a larger one);
 * narrowed, it fetches only the named cases' parties and grants (by case_id's index; it
 * may still combine that with a bitmap of the unit's index entries).
 */
export function visibleCaseWhereAmong(viewer: Viewer, caseIds: string[]): Prisma.CaseWhereInput {
  return anyOf(visibleCaseWays(viewer, { among: caseIds }).map((way) => way.where));
}

function anyOf(ways: Prisma.CaseWhereInput[]): Prisma.CaseWhereInput {
  return ways.length === 1 ? ways[0]! : { OR: ways };
}

/**
 * The row rules less the viewer's own emergency grants: the ways in that depend only on
 * the acting unit and, for an organisation-wide role, its organisation, so every person
 * acting in the same unit with the same standing gets the same filter. A case it admits,
 * visibleCaseWhere admits too; one it does not may still be visible through a grant, so
 * a caller that finds nothing with it must ask visibleCaseWhere. For sharing one read
 * among the subscribers of a unit (src/subscriptions/shared-reads.ts).
 */
export function unitVisibleCaseWhere(viewer: Viewer): Prisma.CaseWhereInput {
  const ways = visibleCaseWays(viewer).filter((way) => !way.grants);
  return ways.length === 0 ? NOTHING : anyOf(ways.map((way) => way.where));
}

/** Locked notes (låsta anteckningar) are readable only inside the author's organisation. */
export function visibleNoteWhere(viewer: Viewer): Prisma.NoteWhereInput {
  const { actor } = viewer;
  if (!actor) return NOTHING;
  return { OR: [{ lockedToOrganization: false }, { authorOrganizationId: actor.organizationId }] };
}
