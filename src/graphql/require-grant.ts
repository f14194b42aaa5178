import { grantsFor } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import type { Action } from '../authz/policy.js';
import type { Context } from './context.js';
import { BadInputError, ForbiddenError, UnauthenticatedError } from './errors.js';

/**
 * A root field that only makes sense for roles granted a category (the invoice list for
 * finance, the case list for those who run cases) refuses everyone else outright, rather
 * than answering a list of rows whose every field is withheld.
 */
export function requireGrant(ctx: Context, category: FieldCategory, action: Action = 'read'): void {
  if (!ctx.principal) throw new UnauthenticatedError();
  if (grantsFor(ctx.principal.roles, category, action).length === 0) {
    throw new ForbiddenError(`Your roles are not granted ${action} on ${category} information.`);
  }
}

/** Filtering or ordering by a field is allowed only to those who may read it. */
export function requireFilterGrant(ctx: Context, category: FieldCategory, field: string): void {
  if (!ctx.principal || grantsFor(ctx.principal.roles, category, 'read').length === 0) {
    throw new BadInputError(
      'FORBIDDEN_FILTER',
      `You may not filter by ${field}: your roles may not read ${category} information.`,
      `filter.${field}`,
    );
  }
}
