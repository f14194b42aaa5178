import { decideGrant } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import type { Context } from './context.js';
import { BadInputError } from './errors.js';

/**
 * Filtering or ordering by a field is allowed only to those who may read it: a filter on a
 * withheld field would tell by its results what the field holds. A bad argument, not a
 * refusal of the whole list, so it is BAD_USER_INPUT's FORBIDDEN_FILTER with the argument.
 */
export function requireFilterGrant(ctx: Context, category: FieldCategory, field: string): void {
  if (!decideGrant(ctx.principal, category, 'read').allowed) {
    throw new BadInputError(
      'FORBIDDEN_FILTER',
      `You may not filter by ${field}: your roles may not read ${category} information.`,
      `filter.${field}`,
    );
  }
}
