import { grantsFor } from '../authz/decide.js';
import type { Actor } from '../domain/case/model.js';
import type { Context } from '../graphql/context.js';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.js';

/**
 * Who may run invoicing: a role the policy (src/authz/policy.ts) grants FINANCIAL
 * information, acting in a commission of a unit Brygga knows, whose organisation is then
 * the one invoicing (a region) or invoiced (a municipality or district). Every invoicing
 * resolver asks here and nowhere else.
 */
export function requireFinance(ctx: Context): Actor {
  if (ctx.principal === null) throw new UnauthenticatedError();
  if (grantsFor(ctx.principal.roles, 'FINANCIAL', 'read').length === 0) {
    throw new ForbiddenError('Invoicing and payment statistics need the FINANCE role.');
  }
  if (ctx.actor === null) {
    throw new ForbiddenError(
      'Choose a commission for a unit of the organisation you invoice for first.',
    );
  }
  return ctx.actor;
}
