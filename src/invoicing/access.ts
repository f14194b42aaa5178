import type { Actor } from '../domain/case/model.js';
import type { Context } from '../graphql/context.js';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.js';

/**
 * Who may run invoicing: a finance user (role FINANCE) acting in a commission of a unit
 * Brygga knows, whose organisation is then the one invoicing (a region) or invoiced (a
 * municipality or district). Until field-level rules live in src/authz, every invoicing
 * resolver asks here and nowhere else.
 */
export function requireFinance(ctx: Context): Actor {
  if (ctx.principal === null) throw new UnauthenticatedError();
  if (!ctx.principal.roles.includes('FINANCE')) {
    throw new ForbiddenError('Invoicing and payment statistics need the FINANCE role.');
  }
  if (ctx.actor === null) {
    throw new ForbiddenError(
      'Choose a commission for a unit of the organisation you invoice for first.',
    );
  }
  return ctx.actor;
}
