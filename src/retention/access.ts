import type { Action } from '../authz/policy.js';
import { type Asking, requireActing } from '../authz/require-grant.js';
import type { PrismaClient } from '../db/client.js';

/**
 * Who may see and decide retention, decided by the policy (src/authz/policy.ts): RETENTION
 * read for security officers and information owners, change for information owners only.
 * Each acts for the organisation of their acting commission's unit, and for its districts
 * when it is a municipality: each party answers for the gallring of its own information.
 */
export interface RetentionActor {
  hsaId: string;
  name: string;
  organizationId: string;
  /** The organisation and its children (a municipality's districts). */
  scope: string[];
}

export async function requireRetention(
  ctx: Asking & { prisma: PrismaClient },
  action: Action,
): Promise<RetentionActor> {
  const { principal, actor } = requireActing(
    ctx,
    {
      category: 'RETENTION',
      action,
      refusal:
        action === 'read'
          ? 'Only information owners and security officers may see retention.'
          : 'Only an information owner may decide retention, legal holds and proposals.',
    },
    'Choose a commission first: retention is per organisation.',
  );
  const children = await ctx.prisma.organization.findMany({
    where: { parentId: actor.organizationId },
    select: { id: true },
  });
  return {
    hsaId: principal.hsaId,
    name: principal.name,
    organizationId: actor.organizationId,
    scope: [actor.organizationId, ...children.map((c) => c.id)],
  };
}
