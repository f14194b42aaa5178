import type { GraphQLObjectType } from 'graphql';
import type { FieldRedaction } from '../authz/redaction.js';
import type { Context } from './context.js';
import {
  decideGuardedField,
  type GuardExtensions,
  type GuardedFieldDecision,
} from './field-guard.js';

/** The guarded fields of an object type: those whose schema extensions carry the guard's declaration. */
export function guardedFields(type: GraphQLObjectType): [string, GuardExtensions][] {
  return Object.values(type.getFields()).flatMap((field) => {
    const guarded = field.extensions as Partial<GuardExtensions>;
    return guarded.category !== undefined && guarded.locate !== undefined
      ? [[field.name, guarded as GuardExtensions] as [string, GuardExtensions]]
      : [];
  });
}

/** The guarded fields of each type, ordered by name: the schema does not change once built. */
const byType = new WeakMap<GraphQLObjectType, [string, GuardExtensions][]>();
function guardedFieldsByName(type: GraphQLObjectType): [string, GuardExtensions][] {
  let fields = byType.get(type);
  if (!fields) {
    fields = guardedFields(type).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    byType.set(type, fields);
  }
  return fields;
}

/**
 * Every guarded field of one object that the caller is refused, selected or not, decided
 * as the field guard decides it (decideGuardedField, on the object's lens). Reads no
 * value, so it records nothing for the access log: a field that is selected records its
 * own read or refusal. Ordered by field name.
 */
export function objectRedactions(
  parent: unknown,
  ctx: Context,
  type: GraphQLObjectType,
): FieldRedaction[] | Promise<FieldRedaction[]> {
  const fields = guardedFieldsByName(type);
  const decided = fields.map(([, guarded]) => decideGuardedField(guarded, parent as never, ctx));
  if (decided.some((d) => d instanceof Promise)) {
    return Promise.all(decided).then((all) => refused(fields, all));
  }
  return refused(fields, decided as GuardedFieldDecision[]);
}

function refused(
  fields: [string, GuardExtensions][],
  decided: GuardedFieldDecision[],
): FieldRedaction[] {
  return decided.flatMap((d, i) =>
    d.decision.allowed
      ? []
      : [{ field: fields[i]![0], category: d.category, reason: d.decision.reason! }],
  );
}
