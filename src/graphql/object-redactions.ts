import type { GraphQLObjectType } from 'graphql';
import type { FieldRedaction } from '../authz/redaction.js';
import type { Context } from './context.js';
import { decideGuardedField, type GuardExtensions } from './field-guard.js';

/** The guarded fields of an object type: those whose schema extensions carry the guard's declaration. */
export function guardedFields(type: GraphQLObjectType): [string, GuardExtensions][] {
  return Object.values(type.getFields()).flatMap((field) => {
    const guarded = field.extensions as Partial<GuardExtensions>;
    return guarded.category !== undefined && guarded.locate !== undefined
      ? [[field.name, guarded as GuardExtensions] as [string, GuardExtensions]]
      : [];
  });
}

/**
 * Every guarded field of one object that the caller is refused, selected or not, decided
 * as the field guard decides it (decideGuardedField). Reads no value, so it records
 * nothing for the access log: a field that is selected records its own read or refusal.
 * Ordered by field name.
 */
export async function objectRedactions(
  parent: unknown,
  ctx: Context,
  type: GraphQLObjectType,
): Promise<FieldRedaction[]> {
  const decided = await Promise.all(
    guardedFields(type).map(async ([field, guarded]) => ({
      field,
      ...(await decideGuardedField(guarded, parent as never, ctx)),
    })),
  );
  return decided
    .filter((d) => !d.decision.allowed)
    .map((d) => ({ field: d.field, category: d.category, reason: d.decision.reason! }))
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}
