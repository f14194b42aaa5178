import type { Prisma } from '../db/generated/prisma/client.js';
import type { Actor } from '../domain/case/model.js';
import { ORGANISATION_WIDE_ROLES } from './policy.js';
import type { Principal } from './principal.js';

/**
 * The row rules (PDL: access follows need). A person sees a case while the unit they act
 * for is a party to it; an organisation-wide role (finance) sees the cases any unit of its
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

export function visibleCaseWhere(viewer: Viewer): Prisma.CaseWhereInput {
  const { actor, principal } = viewer;
  if (!actor || !principal) return NOTHING;
  const ways: Prisma.CaseWhereInput[] = [
    { parties: { some: { unitId: actor.unitId, leftAt: null } } },
  ];
  if (principal.roles.some((r) => ORGANISATION_WIDE_ROLES.includes(r))) {
    ways.push({
      parties: { some: { leftAt: null, unit: { organizationId: actor.organizationId } } },
    });
  }
  ways.push({
    emergencyAccesses: {
      some: { userHsaId: principal.hsaId, unitId: actor.unitId, expiresAt: { gt: viewer.now() } },
    },
  });
  return ways.length === 1 ? ways[0]! : { OR: ways };
}

/** Locked notes (låsta anteckningar) are readable only inside the author's organisation. */
export function visibleNoteWhere(viewer: Viewer): Prisma.NoteWhereInput {
  const { actor } = viewer;
  if (!actor) return NOTHING;
  return { OR: [{ lockedToOrganization: false }, { authorOrganizationId: actor.organizationId }] };
}
