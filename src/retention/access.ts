import type { Action } from '../authz/policy.js';
import type { Context } from '../graphql/context.js';
import { ForbiddenError } from '../graphql/errors.js';
import { requireGrant } from '../graphql/require-grant.js';

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

export async function requireRetention(ctx: Context, action: Action): Promise<RetentionActor> {
  // The grant is decided in src/authz (decideGrant), like every other root field's.
  requireGrant(
    ctx,
    'RETENTION',
    action,
    action === 'read'
      ? 'Only information owners and security officers may see retention.'
      : 'Only an information owner may decide retention, legal holds and proposals.',
  );
  if (!ctx.principal || !ctx.actor) {
    throw new ForbiddenError('Choose a commission first: retention is per organisation.');
  }
  const children = await ctx.prisma.organization.findMany({
    where: { parentId: ctx.actor.organizationId },
    select: { id: true },
  });
  return {
    hsaId: ctx.principal.hsaId,
    name: ctx.principal.name,
    organizationId: ctx.actor.organizationId,
    scope: [ctx.actor.organizationId, ...children.map((c) => c.id)],
  };
}
