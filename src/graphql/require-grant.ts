import { decideGrant } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import type { Action } from '../authz/policy.js';
import type { Context } from './context.js';
import { BadInputError, ForbiddenError, UnauthenticatedError } from './errors.js';

/**
 * A root field that only makes sense for roles granted a category (the invoice list for
 * finance, the case list for those who run cases) refuses everyone else outright, rather
 * than answering a list of rows whose every field is withheld.
 */
export function requireGrant(
  ctx: Context,
  category: FieldCategory,
  action: Action = 'read',
  refusal = `Your roles are not granted ${action} on ${category} information.`,
): void {
  const decision = decideGrant(ctx.principal, category, action);
  if (decision.reason === 'NOT_SIGNED_IN') throw new UnauthenticatedError();
  if (!decision.allowed) throw new ForbiddenError(refusal);
}

/** Filtering or ordering by a field is allowed only to those who may read it. */
export function requireFilterGrant(ctx: Context, category: FieldCategory, field: string): void {
  if (!decideGrant(ctx.principal, category, 'read').allowed) {
    throw new BadInputError(
      'FORBIDDEN_FILTER',
      `You may not filter by ${field}: your roles may not read ${category} information.`,
      `filter.${field}`,
    );
  }
}
