import type { Prisma } from '../db/generated/prisma/client.js';
import type { Actor } from '../domain/case/model.js';

/**
 * The row rule (PDL: access follows need): a person sees a case only while the unit they
 * act for is a party to it. Every query that reaches cases, directly, through a relation
 * or through Relay's node(id), combines its own filter with this one.
 */
export function visibleCaseWhere(actor: Actor | null): Prisma.CaseWhereInput {
  if (!actor) return { id: { in: [] } };
  return { parties: { some: { unitId: actor.unitId, leftAt: null } } };
}

/**
 * Locked notes (låsta anteckningar) are readable only inside the author's organisation.
 */
export function visibleNoteWhere(actor: Actor | null): Prisma.NoteWhereInput {
  if (!actor) return { id: { in: [] } };
  return {
    OR: [{ lockedToOrganization: false }, { authorOrganizationId: actor.organizationId }],
  };
}
